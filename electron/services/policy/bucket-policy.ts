import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import type { RetryPolicy } from '../stores/retry';
import { S3Store } from '../stores/s3-store';

/**
 * A bucket's policy as the provider reports it. "None yet" and "this provider has no policy API"
 * (Cloudflare R2, Garage and Backblaze B2 answer NotImplemented or HTTP 501) are states the UI shows
 * with their own message and a way forward, not errors.
 */
export type BucketPolicyState = { state: 'policy'; text: string } | { state: 'none' } | { state: 'unsupported'; message: string };

export interface BucketPolicyOptions {
  signal?: AbortSignal;
  /** Deadlines, attempts and back-off (tests shorten them); every request has a deadline that fails it. */
  retry?: Partial<RetryPolicy>;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const sdkError = (e: unknown): SdkError => (e ?? {}) as SdkError;
const isUnsupported = (e: unknown) => sdkError(e).name === 'NotImplemented' || sdkError(e).$metadata?.httpStatusCode === 501;
const isAccessDenied = (e: unknown) => sdkError(e).name === 'AccessDenied' || sdkError(e).$metadata?.httpStatusCode === 403;

type Operation = 'read' | 'write' | 'delete';
const permission: Record<Operation, string> = { read: 's3:GetBucketPolicy', write: 's3:PutBucketPolicy', delete: 's3:DeleteBucketPolicy' };
const doing: Record<Operation, string> = { read: 'read', write: 'change', delete: 'delete' };

function unsupportedMessage(store: S3Store): string {
  return `${store.where.endpoint} has no bucket policy API (it answered NotImplemented): access to bucket "${store.bucket}" is set in the provider's console instead, as public/private bucket settings or per-key permissions.`;
}

/**
 * Turns an S3 answer into a message about the policy: the provider's own reason when it refuses a
 * policy (MalformedPolicy and friends say what is wrong, in the provider's words), the permission
 * that is missing when access is denied; everything else (credentials, endpoint, bucket, deadlines)
 * as every other S3 request says it.
 */
function policyError(store: S3Store, e: unknown, operation: Operation): Error {
  if (e instanceof ApiError || sdkError(e).name === 'AbortError') return e as Error;
  const err = sdkError(e);
  const status = err.$metadata?.httpStatusCode;
  if (operation === 'write' && (err.name === 'MalformedPolicy' || err.name === 'InvalidPolicyDocument' || err.name === 'InvalidArgument' || (status === 400 && /polic/i.test(`${err.name} ${err.message}`)))) {
    const answer = err.name ?? `HTTP ${status}`;
    // Ceph RGW answers a bare InvalidArgument; AWS says what is wrong ("Policy has invalid resource").
    const reason = err.message && err.message !== err.name && err.message !== 'UnknownError' ? `: ${err.message}` : ' without saying why.';
    return new ApiError('invalid-input', `${store.where.endpoint} refused the policy for bucket "${store.bucket}" (${answer})${reason}`);
  }
  const mapped = store.mapError(e);
  if (isAccessDenied(e) && !(mapped instanceof ApiError && mapped.code === 'bad-credentials')) {
    const blockPublic = operation === 'write' ? ' On AWS, Block Public Access also refuses a policy that makes the bucket public.' : '';
    return new ApiError(
      'access-denied',
      `Access denied: the credentials may not ${doing[operation]} the policy of bucket "${store.bucket}" at ${store.where.endpoint}. This needs ${permission[operation]} (usually only the bucket's owner has it).${blockPublic}`,
    );
  }
  return mapped;
}

/** The policy must be JSON before a server sees it; its own checks (and the checker's) come after. */
function assertJson(text: string, bucket: string): void {
  if (!text.trim()) throw new ApiError('invalid-input', `The policy for bucket "${bucket}" is empty. To remove the policy, delete it instead.`);
  try {
    JSON.parse(text);
  } catch (e) {
    throw new ApiError('invalid-input', `The policy for bucket "${bucket}" is not valid JSON: ${(e as Error).message}.`);
  }
}

async function withStore<T>(config: S3Config, env: NodeJS.ProcessEnv, options: BucketPolicyOptions, run: (store: S3Store) => Promise<T>): Promise<T> {
  const store = new S3Store(config, env, { retry: options.retry });
  try {
    return await run(store);
  } finally {
    store.close();
  }
}

async function readWith(store: S3Store, options: BucketPolicyOptions): Promise<BucketPolicyState> {
  try {
    const out = await store.request(new GetBucketPolicyCommand({ Bucket: store.bucket }), options);
    // Some servers answer 200 with an empty body where others say NoSuchBucketPolicy.
    return out.Policy?.trim() ? { state: 'policy', text: out.Policy } : { state: 'none' };
  } catch (e) {
    if (sdkError(e).name === 'NoSuchBucketPolicy') return { state: 'none' };
    if (isUnsupported(e)) return { state: 'unsupported', message: unsupportedMessage(store) };
    throw policyError(store, e, 'read');
  }
}

/** Reads the bucket's policy. */
export function readBucketPolicy(config: S3Config, env: NodeJS.ProcessEnv = process.env, options: BucketPolicyOptions = {}): Promise<BucketPolicyState> {
  return withStore(config, env, options, (store) => readWith(store, options));
}

/** Whether two policy texts are the same JSON document (servers may re-format what they store). */
function sameDocument(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

export interface WritePolicyOptions extends BucketPolicyOptions {
  /**
   * The policy the change was made against (null: none), as `readBucketPolicy` gave it. When the
   * bucket's policy is something else by now (someone saved meanwhile), the write is refused rather
   * than silently undoing their change. S3 has no conditional PutBucketPolicy, so a write in the
   * moment between this check and the put can still be lost.
   */
  previous?: string | null;
}

/** Replaces the bucket's policy with `text` (JSON; the server validates it and says why it refuses one). */
export async function writeBucketPolicy(config: S3Config, env: NodeJS.ProcessEnv, text: string, options: WritePolicyOptions = {}): Promise<void> {
  assertJson(text, config.bucket);
  await withStore(config, env, options, async (store) => {
    if (options.previous !== undefined) {
      const now = await readWith(store, options);
      const changed = options.previous === null ? now.state === 'policy' : now.state !== 'policy' || !sameDocument(now.text, options.previous);
      if (changed && now.state !== 'unsupported') {
        throw new ApiError(
          'conflict',
          `The policy of bucket "${store.bucket}" changed since it was read (${now.state === 'policy' ? 'it is another policy now' : 'it has none now'}); reload it and make the change again.`,
        );
      }
    }
    try {
      await store.request(new PutBucketPolicyCommand({ Bucket: store.bucket, Policy: text }), options);
    } catch (e) {
      if (isUnsupported(e)) throw new ApiError('invalid-input', unsupportedMessage(store));
      throw policyError(store, e, 'write');
    }
  });
}

/** Removes the bucket's policy; removing none is not an error. */
export function deleteBucketPolicy(config: S3Config, env: NodeJS.ProcessEnv = process.env, options: BucketPolicyOptions = {}): Promise<void> {
  return withStore(config, env, options, async (store) => {
    try {
      await store.request(new DeleteBucketPolicyCommand({ Bucket: store.bucket }), options);
    } catch (e) {
      if (sdkError(e).name === 'NoSuchBucketPolicy') return;
      if (isUnsupported(e)) throw new ApiError('invalid-input', unsupportedMessage(store));
      throw policyError(store, e, 'delete');
    }
  });
}
