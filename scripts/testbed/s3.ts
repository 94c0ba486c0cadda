// S3 helpers for tests against the RGW test bed (rgw.ts): a configured client, buckets, uploading a
// `file://` binary cache folder written by Nix, and a public-read policy so Nix can read over HTTP.
// These arrange test state; they are not the application's S3 code.
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { RgwInfo, S3Credentials } from './rgw';

/** The parts of a test bed an S3 client needs. */
export type RgwEndpoint = Pick<RgwInfo, 'endpoint' | 'region' | 'admin'>;

/**
 * An S3Client for the test bed, as the admin user unless `creds` are given.
 *
 * `requestChecksumCalculation: 'WHEN_REQUIRED'`: since early 2025 the SDK adds CRC32 checksums to
 * every upload by default and sends streamed bodies as `aws-chunked` with a trailing checksum. RGW 16
 * (Ceph Pacific) does not understand that encoding: a PutObject with a stream body fails with
 * `MissingContentLength` (tried here; buffers pass). WHEN_REQUIRED keeps checksums only where the API
 * demands one (e.g. DeleteObjects), which RGW accepts. The application's own S3 client needs the same
 * setting to work with Ceph and other S3-compatible servers that lag behind AWS.
 */
export function s3Client(rgw: RgwEndpoint, creds?: S3Credentials, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: creds ?? rgw.admin,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Loopback server: fail fast instead of retrying with back-off.
    maxAttempts: 1,
    ...extra,
  });
}

/** A valid, unused-looking bucket name: `<prefix>-<time>-<random>`, lowercase, at most 63 characters. */
export function uniqueBucketName(prefix = 'test'): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  return `${clean}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Creates a bucket (as the admin user unless `creds` are given) and returns its name. */
export async function createBucket(rgw: RgwEndpoint, name: string, creds?: S3Credentials): Promise<string> {
  const s3 = s3Client(rgw, creds);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    s3.destroy();
  }
  return name;
}

/** `<endpoint>/<bucket>[/<key>]`: what an anonymous HTTP client (Nix, fetch) reads. */
export function bucketUrl(rgw: Pick<RgwInfo, 'endpoint'>, bucket: string, key?: string): string {
  const base = `${rgw.endpoint}/${encodeURIComponent(bucket)}`;
  return key === undefined ? base : `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** A bucket policy allowing anyone to GET objects (not to list), like a public Nix cache. */
export function publicReadPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PublicRead',
        Effect: 'Allow',
        Principal: '*',
        Action: ['s3:GetObject'],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      },
    ],
  });
}

/** Puts publicReadPolicy(bucket) on the bucket. */
export async function makeBucketPublicRead(rgw: RgwEndpoint, bucket: string, creds?: S3Credentials): Promise<void> {
  const s3 = s3Client(rgw, creds);
  try {
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicReadPolicy(bucket) }));
  } finally {
    s3.destroy();
  }
}

/**
 * The Content-Type Nix sets for a key of a binary cache (as `nix copy` writes them),
 * or application/octet-stream for anything else.
 */
export function nixCacheContentType(key: string): string {
  if (key === 'nix-cache-info') return 'text/x-nix-cache-info';
  if (key.endsWith('.narinfo')) return 'text/x-nix-narinfo';
  if (key.startsWith('nar/')) return 'application/x-nix-nar';
  if (key.startsWith('log/')) return 'text/plain; charset=utf-8';
  if (key.endsWith('.ls') || key.startsWith('debuginfo/') || key.startsWith('realisations/') || key.startsWith('build-trace-v2/')) {
    return 'application/json';
  }
  return 'application/octet-stream';
}

/** Every regular file under `dir`, as keys relative to it with `/` separators, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * Uploads every file of a folder tree (e.g. a `file://` cache written by `nix copy`) to `bucket`,
 * keys = relative paths, with the Content-Type Nix would set. Narinfos go last, after the NARs and
 * other files, as Nix orders its own uploads (a narinfo never points at a missing NAR). Returns the
 * keys uploaded.
 */
export async function uploadDir(
  rgw: RgwEndpoint,
  bucket: string,
  dir: string,
  opts: { creds?: S3Credentials; prefix?: string; concurrency?: number } = {},
): Promise<string[]> {
  const files = await listFiles(dir);
  const isNarinfo = (k: string) => k.endsWith('.narinfo');
  const s3 = s3Client(rgw, opts.creds);
  try {
    for (const batch of [files.filter((k) => !isNarinfo(k)), files.filter(isNarinfo)]) {
      const queue = [...batch];
      const worker = async () => {
        for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
          const key = (opts.prefix ?? '') + rel;
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              // Fixture caches are small: read whole files (also avoids streaming-upload quirks).
              Body: await fsp.readFile(path.join(dir, rel)),
              ContentType: nixCacheContentType(rel),
            }),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, Math.max(1, queue.length)) }, worker));
    }
  } finally {
    s3.destroy();
  }
  return files.map((k) => (opts.prefix ?? '') + k);
}
