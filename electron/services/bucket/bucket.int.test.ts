// The live probe and the lifecycle rules against the real RGW of the test bed (and, for deadlines and
// providers without a lifecycle API, the fault proxy in front of it).
import { GetObjectCommand, HeadObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import type { LifecycleRule } from '../../../shared/bucket/lifecycle-rules';
import { abortIncompleteUploadsRule, analyseLifecycle } from '../../../shared/bucket/lifecycle-rules';
import type { ProbeResult } from '../../../shared/bucket/probe';
import { injectRgw } from '../../../scripts/testbed/inject';
import { notImplemented, startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import { nixEnv, runCapture } from '../../../scripts/testbed/nix';
import type { S3Credentials } from '../../../scripts/testbed/rgw';
import { createBucket, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import { S3Store } from '../stores/s3-store';
import { deleteLifecycle, readLifecycle, writeLifecycle } from './lifecycle';
import { probeBucket } from './probe';

const rgw = injectRgw();
const admin = s3Client(rgw);
let other: { uid: string; creds: S3Credentials };

const envOf = (creds: S3Credentials): NodeJS.ProcessEnv => ({ AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey });
const configOf = (bucket: string, endpoint = rgw.endpoint): S3Config => ({ kind: 's3', bucket, endpoint, region: 'us-east-1', settings: [] });

async function cacheBucket(policy?: (bucket: string) => object): Promise<string> {
  const bucket = await createBucket(rgw, uniqueBucketName('probe'));
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'nix-cache-info', Body: 'StoreDir: /nix/store\n', ContentType: 'text/x-nix-cache-info' }));
  if (policy) await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy(bucket)) }));
  return bucket;
}

const byId = (result: ProbeResult) => Object.fromEntries(result.steps.map((s) => [s.id, s]));

beforeAll(async () => {
  const uid = `prober-${Date.now().toString(36)}`;
  other = { uid, creds: await rgw.createUser(uid) };
});
afterAll(() => admin.destroy());

describe('probeBucket', () => {
  it('a private bucket: anonymous reads refused (403 for nix-cache-info and for a miss), the owner writes and deletes', async () => {
    const bucket = await cacheBucket();
    const result = await probeBucket(configOf(bucket), envOf(rgw.admin));
    const steps = byId(result);
    expect(result.addressing).toBe('path');
    expect(steps['anonymous-cache-info']).toMatchObject({ status: 403, s3Code: 'AccessDenied', outcome: 'denied', verdict: 'neutral', target: `${rgw.endpoint}/${bucket}/nix-cache-info` });
    expect(steps['anonymous-missing-narinfo']).toMatchObject({ status: 403, outcome: 'denied', verdict: 'concern' });
    expect(steps['write-put']).toMatchObject({ status: 200, outcome: 'ok', verdict: 'good', principal: 'connection' });
    expect(steps['write-delete']).toMatchObject({ status: 204, outcome: 'ok' });
    expect(result.writeKey).toMatch(/^narwhal-write-test\/\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}\.txt$/);
    // The test object is gone again.
    await expect(admin.send(new HeadObjectCommand({ Bucket: bucket, Key: result.writeKey }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    for (const step of result.steps) expect(step.elapsedMs).toBeLessThan(result.deadlineMs);
  });

  it('public read with ListBucket: nix-cache-info 200 and a miss 404; without ListBucket the miss is 403', async () => {
    const read = (withList: boolean) => (bucket: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
        ...(withList ? [{ Effect: 'Allow', Principal: '*', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] }] : []),
      ],
    });
    const [listable, unlistable] = await Promise.all([cacheBucket(read(true)), cacheBucket(read(false))]);
    const a = byId(await probeBucket(configOf(listable), envOf(rgw.admin)));
    expect(a['anonymous-cache-info']).toMatchObject({ status: 200, outcome: 'ok', verdict: 'good' });
    expect(a['anonymous-missing-narinfo']).toMatchObject({ status: 404, s3Code: 'NoSuchKey', outcome: 'missing', verdict: 'good' });
    const b = byId(await probeBucket(configOf(unlistable), envOf(rgw.admin)));
    expect(b['anonymous-cache-info']).toMatchObject({ status: 200, outcome: 'ok' });
    expect(b['anonymous-missing-narinfo']).toMatchObject({ status: 403, outcome: 'denied', verdict: 'concern' });
    expect(b['anonymous-missing-narinfo']!.meaning).toContain('s3:ListBucket');
  });

  it("a reader's credentials: the PUT is refused and nothing is deleted", async () => {
    const bucket = await cacheBucket((b) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${other.uid}`] }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`] }],
    }));
    const steps = byId(await probeBucket(configOf(bucket), envOf(other.creds)));
    expect(steps['write-put']).toMatchObject({ outcome: 'denied', verdict: 'bad' });
    expect(steps['write-put']!.meaning).toContain('s3:PutObject');
    expect(steps['write-delete']).toMatchObject({ outcome: 'skipped', elapsedMs: 0 });
  });

  it('an uploader without DeleteObject: the test object stays, and the result names it', async () => {
    const bucket = await cacheBucket((b) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${other.uid}`] }, Action: ['s3:PutObject', 's3:GetObject'], Resource: [`arn:aws:s3:::${b}/*`] }],
    }));
    const result = await probeBucket(configOf(bucket), envOf(other.creds));
    const steps = byId(result);
    expect(steps['write-put']).toMatchObject({ status: 200, outcome: 'ok' });
    expect(steps['write-delete']).toMatchObject({ status: 403, outcome: 'denied', verdict: 'concern' });
    expect(steps['write-delete']!.meaning).toContain(result.writeKey);
    // It belongs to the user who wrote it (the bucket owner may not read it, as on AWS before BucketOwnerEnforced).
    const asOther = s3Client(rgw, other.creds);
    try {
      const left = await asOther.send(new GetObjectCommand({ Bucket: bucket, Key: result.writeKey }));
      expect(await left.Body!.transformToString()).toContain("Written by Narwhal's write test");
    } finally {
      asOther.destroy();
    }
  });

  it('what the probe says Nix makes of the anonymous answers is what Nix 2.8 does with them', async () => {
    const unlistable = await cacheBucket((b) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }] }));
    const closed = await cacheBucket();
    const cacheDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'narwhal-nix-cache-'));
    // Nix asks for a path's narinfo; a path no cache holds stands for a miss.
    const pathInfo = (bucket: string) =>
      runCapture('nix', ['path-info', '--store', `${rgw.endpoint}/${bucket}`, '/nix/store/00000000000000000000000000000000-narwhal-miss'], { env: nixEnv({ XDG_CACHE_HOME: cacheDir }), timeoutMs: 60_000 });
    try {
      const miss = byId(await probeBucket(configOf(unlistable), envOf(rgw.admin)))['anonymous-missing-narinfo']!;
      expect(miss).toMatchObject({ status: 403, meaning: expect.stringContaining('Nix treats 403 like 404 for narinfos') });
      const nixMiss = await pathInfo(unlistable);
      // A miss, not an HTTP error: Nix says the path is not valid (it found no narinfo).
      expect(nixMiss.stderr).toContain("path '/nix/store/00000000000000000000000000000000-narwhal-miss' is not valid");
      expect(nixMiss.stderr).not.toMatch(/HTTP error|403/);

      const info = byId(await probeBucket(configOf(closed), envOf(rgw.admin)))['anonymous-cache-info']!;
      expect(info).toMatchObject({ status: 403, meaning: expect.stringContaining('Nix 2.8 says the URL "does not appear to be a binary cache"') });
      expect((await pathInfo(closed)).stderr).toContain(`'${rgw.endpoint}/${closed}' does not appear to be a binary cache`);
    } finally {
      await fsp.rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('a wrong secret key: the write test says the credentials are refused, not the permission', async () => {
    const bucket = await cacheBucket();
    const steps = byId(await probeBucket(configOf(bucket), envOf({ ...rgw.admin, secretAccessKey: 'not-the-secret' })));
    expect(steps['write-put']).toMatchObject({ status: 403, s3Code: 'SignatureDoesNotMatch', outcome: 'bad-credentials', verdict: 'bad' });
    expect(steps['write-delete']).toMatchObject({ outcome: 'skipped' });
  });

  it('a bucket that does not exist: NoSuchBucket for every request', async () => {
    const steps = byId(await probeBucket(configOf(uniqueBucketName('absent')), envOf(rgw.admin)));
    expect(steps['anonymous-cache-info']).toMatchObject({ status: 404, s3Code: 'NoSuchBucket', outcome: 'no-such-bucket', verdict: 'bad' });
    expect(steps['write-put']).toMatchObject({ outcome: 'no-such-bucket' });
  });

  it('a server that never answers: each request stops at its deadline and says so', async () => {
    const bucket = await cacheBucket();
    const proxy = await startFaultProxy(rgw.endpoint, { decide: () => 'hold' });
    try {
      const t0 = Date.now();
      const result = await probeBucket(configOf(bucket, proxy.url), envOf(rgw.admin), { deadlineMs: 700 });
      const elapsed = Date.now() - t0;
      const steps = byId(result);
      expect(steps['anonymous-cache-info']).toMatchObject({ outcome: 'timeout', verdict: 'bad' });
      expect(steps['anonymous-cache-info']!.meaning).toContain('No answer within 1 s');
      expect(steps['anonymous-missing-narinfo']).toMatchObject({ outcome: 'timeout' });
      expect(steps['write-put']).toMatchObject({ outcome: 'timeout' });
      // A PUT that timed out may have landed: the DELETE is still tried, and times out too.
      expect(steps['write-delete']).toMatchObject({ outcome: 'timeout' });
      // Anonymous GETs and the write run side by side: PUT then DELETE, about two deadlines.
      expect(elapsed).toBeLessThan(5_000);
    } finally {
      await proxy.close();
    }
  });

  it('virtual-host addressing asked for: the anonymous URL names the bucket in the host', async () => {
    const bucket = await cacheBucket();
    const port = new URL(rgw.endpoint).port;
    // RGW's `rgw dns name` is localhost: <bucket>.localhost resolves to loopback on this machine.
    const config: S3Config = { ...configOf(bucket, `http://localhost:${port}`), addressingStyle: 'virtual' };
    const result = await probeBucket(config, envOf(rgw.admin));
    expect(result.addressing).toBe('virtual');
    expect(byId(result)['anonymous-cache-info']!.target).toBe(`http://${bucket}.localhost:${port}/nix-cache-info`);
  });
});

describe('lifecycle rules', () => {
  const rules: LifecycleRule[] = [
    { id: 'logs', enabled: true, filter: { prefix: 'log/' }, expirationDays: 30 },
    { id: 'tagged', enabled: false, filter: { prefix: 'tmp/', tags: [{ key: 'scratch', value: 'yes' }] }, expirationDays: 2 },
    { id: 'old-versions', enabled: true, filter: {}, noncurrentExpirationDays: 14 },
    abortIncompleteUploadsRule(7),
  ];

  it('none, then set, read back as written, then removed', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('lc'));
    const store = new S3Store(configOf(bucket), envOf(rgw.admin));
    try {
      expect(await readLifecycle(store)).toEqual({ state: 'none' });
      await writeLifecycle(store, rules, { previous: [] });
      // RGW gives the rules back sorted by ID.
      const read = await readLifecycle(store);
      const byRuleId = (a: LifecycleRule, b: LifecycleRule) => (a.id! < b.id! ? -1 : 1);
      expect(read).toEqual({ state: 'set', rules: [...rules].sort(byRuleId) });
      // Order is not a change: the read rules in the written order are still "what was read".
      await writeLifecycle(store, rules.slice(1), { previous: rules });
      expect(analyseLifecycle(rules).map((f) => f.code)).toEqual(['expires-nothing-of-cache', 'tag-filter-matches-nothing']);
      await deleteLifecycle(store);
      expect(await readLifecycle(store)).toEqual({ state: 'none' });
      // Removing none is no error.
      await deleteLifecycle(store);
    } finally {
      store.close();
    }
  });

  it('an expiration over the whole bucket is stored as asked (the warning is ours, not the server’s)', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('lc'));
    const store = new S3Store(configOf(bucket), envOf(rgw.admin));
    try {
      const dangerous: LifecycleRule[] = [{ id: 'expire-all', enabled: true, filter: {}, expirationDays: 90 }];
      await writeLifecycle(store, dangerous);
      const read = await readLifecycle(store);
      expect(read).toEqual({ state: 'set', rules: dangerous });
      expect(analyseLifecycle(dangerous).map((f) => f.code)).toEqual(['expires-cache-objects', 'abort-incomplete-uploads-missing']);
    } finally {
      store.close();
    }
  });

  it('refuses to overwrite rules that changed since they were read, and an empty list removes them', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('lc'));
    const store = new S3Store(configOf(bucket), envOf(rgw.admin));
    try {
      await writeLifecycle(store, [abortIncompleteUploadsRule(7)]);
      const err = await writeLifecycle(store, rules, { previous: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'conflict', message: expect.stringContaining('changed since they were read (now 1 rule)') });
      await writeLifecycle(store, [], { previous: [abortIncompleteUploadsRule(7)] });
      expect(await readLifecycle(store)).toEqual({ state: 'none' });
    } finally {
      store.close();
    }
  });

  it('invalid rules are refused before anything is sent, naming the rule', async () => {
    const store = new S3Store(configOf(uniqueBucketName('never-made')), envOf(rgw.admin));
    try {
      await expect(writeLifecycle(store, [{ id: 'x', enabled: true, filter: {} }])).rejects.toMatchObject({ code: 'invalid-input', message: 'Rule "x" does nothing: give it an expiration, an abort of incomplete uploads or a transition.' });
    } finally {
      store.close();
    }
  });

  it('a provider without lifecycle rules (501 NotImplemented) is a state, not an error; writing says so', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('lc'));
    const proxy = await startFaultProxy(rgw.endpoint, { decide: (req) => (req.url?.includes('lifecycle') ? notImplemented : 'pass') });
    const store = new S3Store(configOf(bucket, proxy.url), envOf(rgw.admin));
    try {
      expect(await readLifecycle(store)).toEqual({ state: 'unsupported', message: expect.stringContaining('does not offer lifecycle rules') });
      await expect(writeLifecycle(store, rules)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('does not offer lifecycle rules') });
      await expect(deleteLifecycle(store)).rejects.toMatchObject({ code: 'invalid-input' });
    } finally {
      store.close();
      await proxy.close();
    }
  });
});
