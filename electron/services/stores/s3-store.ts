import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { S3Config } from '../../../shared/caches/config';
import { profileFiles } from '../aws/profiles';
import type { CacheStore } from './cache-store';
import { assertSafeKey } from './cache-store';
import { mapS3Error } from './s3-errors';

/** Where the SDK should send requests, following Nix's rules: `endpoint` is a host (or URL), `scheme` its protocol. */
export function s3EndpointUrl(config: S3Config): string | undefined {
  if (!config.endpoint) return undefined;
  if (/^[a-z]+:\/\//i.test(config.endpoint)) return config.endpoint.replace(/\/+$/, '');
  return `${config.scheme ?? 'https'}://${config.endpoint}`;
}

export function s3ClientConfig(config: S3Config, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = s3EndpointUrl(config);
  // Nix: a custom endpoint implies path-style addressing unless virtual is asked for.
  const forcePathStyle = config.addressingStyle === 'path' || (endpoint !== undefined && config.addressingStyle !== 'virtual');
  return {
    region: config.region || env.AWS_REGION || 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle,
    credentials: credentialsFor(config, env),
    // The SDK's default checksums (CRC32 trailers on every upload) are not understood by many S3
    // servers (Ceph RGW 16 answers MissingContentLength, older MinIO and B2 fail too): only when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A wrong endpoint should fail in seconds, not after the SDK's long default back-off.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  };
}

/**
 * The credential chain (environment, profile, SSO, credential_process, container, instance) runs here
 * in the main process; nothing of it ever reaches the renderer. A profile named in the store URL wins
 * over environment keys, as in Nix. `env` is passed explicitly (rather than the SDK reading
 * process.env) so the CLI, the shells and tests all resolve from the environment they were given.
 */
export function credentialsFor(config: S3Config, env: NodeJS.ProcessEnv): AwsCredentialIdentityProvider {
  if (!config.profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const identity = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
    return async () => identity;
  }
  const files = profileFiles(env);
  return fromNodeProviderChain({
    profile: config.profile ?? env.AWS_PROFILE,
    filepath: files.credentialsFile,
    configFilepath: files.configFile,
    ignoreCache: true,
  });
}

export class S3Store implements CacheStore {
  readonly writable = true;
  readonly description: string;
  private readonly client: S3Client;
  private readonly where: { bucket: string; endpoint: string; region: string };

  constructor(private readonly config: S3Config, env: NodeJS.ProcessEnv = process.env) {
    const clientConfig = s3ClientConfig(config, env);
    this.client = new S3Client(clientConfig);
    const endpoint = s3EndpointUrl(config) ?? 'AWS S3';
    this.where = { bucket: config.bucket, endpoint, region: String(clientConfig.region) };
    this.description = `s3://${config.bucket} at ${endpoint}`;
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }), { abortSignal: options.signal });
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return null;
      throw mapS3Error(e, this.where);
    }
  }

  async put(key: string, body: Uint8Array | string, contentType: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentType: contentType }), { abortSignal: options.signal });
    } catch (e) {
      throw mapS3Error(e, this.where);
    }
  }

  async *listTopLevel(options: { signal?: AbortSignal } = {}): AsyncIterable<string[]> {
    let token: string | undefined;
    do {
      let page;
      try {
        // Delimiter '/' keeps nar/, log/ and friends out of the listing: only top-level keys come back.
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.config.bucket, Delimiter: '/', MaxKeys: 1000, ContinuationToken: token }),
          { abortSignal: options.signal },
        );
      } catch (e) {
        throw mapS3Error(e, this.where);
      }
      yield (page.Contents ?? []).map((object) => object.Key ?? '').filter(Boolean);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async ensureExists(options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }), { abortSignal: options.signal });
      return;
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404) throw mapS3Error(e, this.where);
    }
    try {
      const region = this.where.region;
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.config.bucket,
          // AWS wants the region spelled out everywhere but us-east-1.
          ...(region !== 'us-east-1' && !this.config.endpoint ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}),
        }),
        { abortSignal: options.signal },
      );
    } catch (e) {
      throw mapS3Error(e, this.where);
    }
  }

  close(): void {
    this.client.destroy();
  }
}
