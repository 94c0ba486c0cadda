// Proves the test bed is the real thing the other integration tests rely on: RGW checks SigV4 and
// bucket policies, users are distinct principals, and Nix substitutes from a bucket over HTTP with
// signatures checked. If these fail, no other integration test result means anything.
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { injectRgw } from './inject';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixEnv, nixGenerateKey, run } from './nix';
import { bucketUrl, createBucket, makeBucketPublicRead, s3Client, uniqueBucketName, uploadDir } from './s3';

const rgw = injectRgw();
const clients: S3Client[] = [];
const tmpDirs: string[] = [];

function client(creds?: { accessKeyId: string; secretAccessKey: string }): S3Client {
  const c = s3Client(rgw, creds);
  clients.push(c);
  return c;
}

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(tmpDirs.map((d) => fsp.rm(d, { recursive: true, force: true })));
});

describe('RGW test bed', () => {
  it('enforces SigV4: a wrong secret or an unknown access key is rejected', async () => {
    const { accessKeyId, secretAccessKey } = rgw.admin;
    const wrongSecret = secretAccessKey.slice(0, -1) + (secretAccessKey.endsWith('A') ? 'B' : 'A');
    await expect(client({ accessKeyId, secretAccessKey: wrongSecret }).send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(
      client({ accessKeyId: 'NOSUCHKEY0000000000X', secretAccessKey }).send(new ListBucketsCommand({})),
    ).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
    // ...and the right keys work.
    const ok = await client().send(new ListBucketsCommand({}));
    expect(ok.Owner?.ID).toBe('admin');
  });

  it('denies anonymous reads until a bucket policy allows them; a missing key stays 403 (not 404)', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('anon'));
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'dir/hello.txt', Body: 'hello' }));

    expect((await fetch(bucketUrl(rgw, bucket, 'dir/hello.txt'))).status).toBe(403);

    await makeBucketPublicRead(rgw, bucket);
    const res = await fetch(bucketUrl(rgw, bucket, 'dir/hello.txt'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
    // The policy allows s3:GetObject only, not s3:ListBucket: a missing key is 403, as on AWS.
    expect((await fetch(bucketUrl(rgw, bucket, 'no-such-key'))).status).toBe(403);
    // And anonymous writes are still refused.
    expect((await fetch(bucketUrl(rgw, bucket, 'x'), { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it('createUser gives a second, distinct principal', async () => {
    const uid = `user-${randomBytes(4).toString('hex')}`;
    const creds = await rgw.createUser(uid);
    const s3 = client(creds);

    expect((await s3.send(new ListBucketsCommand({}))).Owner?.ID).toBe(uid);
    const own = await createBucket(rgw, uniqueBucketName('own'), creds);
    await s3.send(new PutObjectCommand({ Bucket: own, Key: 'k', Body: 'v' }));

    // The admin's private bucket is not readable by the new user.
    const adminBucket = await createBucket(rgw, uniqueBucketName('private'));
    await client().send(new PutObjectCommand({ Bucket: adminBucket, Key: 'secret', Body: 's' }));
    await expect(s3.send(new GetObjectCommand({ Bucket: adminBucket, Key: 'secret' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});

describe('Nix as the oracle', () => {
  it('substitutes a fixture closure from a public-read bucket, checking signatures', async () => {
    const fixture = await buildFixtureClosure('testbed');
    // Three levels: top -> lib -> leaf.
    expect(fixture.all).toHaveLength(3);
    const refs = async (p: string) => (await run('nix-store', ['--query', '--references', p], { env: nixEnv() })).trim().split('\n').filter(Boolean);
    const [leaf, lib] = fixture.all;
    expect(await refs(fixture.top)).toEqual(expect.arrayContaining([lib, leaf]));
    expect(await refs(lib!)).toEqual([leaf]);
    expect(await refs(leaf!)).toEqual([]);

    const key = await nixGenerateKey('narwhal-testbed-1');
    // Same key name, different key: only a real signature check can tell them apart.
    const impostor = await nixGenerateKey('narwhal-testbed-1');

    const cacheDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'narwhal-cache-'));
    tmpDirs.push(cacheDir);
    await nixCopyToFile(cacheDir, [fixture.top], { secretKey: key.secret });

    const bucket = await createBucket(rgw, uniqueBucketName('nix'));
    const keys = await uploadDir(rgw, bucket, cacheDir);
    expect(keys).toContain('nix-cache-info');
    expect(keys.filter((k) => k.endsWith('.narinfo'))).toHaveLength(3);
    expect(keys.filter((k) => k.startsWith('nar/'))).toHaveLength(3);

    // Content-Types as Nix sets them.
    const s3 = client();
    const type = async (k: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: k }))).ContentType;
    expect(await type('nix-cache-info')).toBe('text/x-nix-cache-info');
    expect(await type(keys.find((k) => k.endsWith('.narinfo'))!)).toBe('text/x-nix-narinfo');
    expect(await type(keys.find((k) => k.startsWith('nar/'))!)).toBe('application/x-nix-nar');

    const url = bucketUrl(rgw, bucket);
    // Private bucket: Nix gets 403s and cannot substitute.
    const denied = await nixCopyFromHttp(url, fixture.top, key.public);
    expect(denied.ok).toBe(false);
    expect(denied.stderr).toMatch(/does not appear to be a binary cache/);

    await makeBucketPublicRead(rgw, bucket);
    const good = await nixCopyFromHttp(url, fixture.top, key.public);
    expect(good.ok, good.stderr).toBe(true);

    const bad = await nixCopyFromHttp(url, fixture.top, impostor.public);
    expect(bad.ok).toBe(false);
    expect(bad.stderr).toMatch(/lacks a valid signature/);
  });
});
