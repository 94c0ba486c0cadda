import type { LifecycleRule } from '@aws-sdk/client-s3';
import { DeleteBucketPolicyCommand, GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand, PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { ApiError } from '../../../shared/api/errors';
import type { S3Store } from './s3-store';

/**
 * A bucket setting as the provider reports it: set (with its value), not set yet, or not offered by
 * this provider at all (many S3-compatible servers have no policy or lifecycle API and answer
 * NotImplemented / 501), which the UI must show differently from "none yet".
 */
export type BucketSetting<T> = { state: 'set'; value: T } | { state: 'none' } | { state: 'unsupported'; message: string };

const notSetNames = new Set(['NoSuchBucketPolicy', 'NoSuchLifecycleConfiguration']);

function isUnsupported(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotImplemented' || err?.$metadata?.httpStatusCode === 501;
}

/**
 * The S3-only operations on a bucket itself (policy, lifecycle), beside the CacheStore that reads and
 * writes its objects. Requests go through the store's `request`, so they share its deadlines, retries
 * and error mapping.
 */
export class S3BucketAdmin {
  constructor(private readonly store: S3Store) {}

  private unsupported(what: string): { state: 'unsupported'; message: string } {
    return { state: 'unsupported', message: `${this.store.where.endpoint} does not offer ${what} (it answered NotImplemented).` };
  }

  private async read<T>(what: string, run: () => Promise<T | undefined>): Promise<BucketSetting<T>> {
    try {
      const value = await run();
      return value === undefined ? { state: 'none' } : { state: 'set', value };
    } catch (e) {
      const name = (e as { name?: string }).name ?? '';
      if (notSetNames.has(name)) return { state: 'none' };
      if (isUnsupported(e)) return this.unsupported(what);
      throw this.store.mapError(e);
    }
  }

  private async write(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      if (isUnsupported(e)) throw new ApiError('invalid-input', this.unsupported(what).message);
      throw this.store.mapError(e);
    }
  }

  /** The bucket policy as its JSON text. */
  getPolicy(options: { signal?: AbortSignal } = {}): Promise<BucketSetting<string>> {
    return this.read('bucket policies', async () => (await this.store.request(new GetBucketPolicyCommand({ Bucket: this.store.bucket }), options)).Policy);
  }

  putPolicy(policy: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.write('bucket policies', () => this.store.request(new PutBucketPolicyCommand({ Bucket: this.store.bucket, Policy: policy }), options));
  }

  /** Removes the policy; removing none is not an error. */
  deletePolicy(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.write('bucket policies', () => this.store.request(new DeleteBucketPolicyCommand({ Bucket: this.store.bucket }), options));
  }

  getLifecycle(options: { signal?: AbortSignal } = {}): Promise<BucketSetting<LifecycleRule[]>> {
    return this.read('lifecycle rules', async () => (await this.store.request(new GetBucketLifecycleConfigurationCommand({ Bucket: this.store.bucket }), options)).Rules);
  }

  putLifecycle(rules: LifecycleRule[], options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.write('lifecycle rules', () =>
      this.store.request(new PutBucketLifecycleConfigurationCommand({ Bucket: this.store.bucket, LifecycleConfiguration: { Rules: rules } }), options),
    );
  }
}
