import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notImplemented, startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import type { FaultProxy } from '../../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../../scripts/testbed/inject';
import { createBucket, uniqueBucketName } from '../../../scripts/testbed/s3';
import type { S3Config } from '../../../shared/caches/config';
import { deleteBucketPolicy, readBucketPolicy, writeBucketPolicy } from './bucket-policy';

const rgw = injectRgw();
const host = rgw.endpoint.replace(/^http:\/\//, '');
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', HOME: tmpdir() };
const fast = { retry: { deadlineMs: 3_000, baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 3, maxTotalMs: 10_000 } };
const config = (bucket: string, endpoint = host): S3Config => ({ kind: 's3', bucket, endpoint, scheme: 'http', region: 'us-east-1', settings: [] });

const publicRead = (bucket: string) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] }],
    },
    null,
    2,
  );

let bucket: string;
let proxy: FaultProxy;
beforeAll(async () => {
  bucket = await createBucket(rgw, uniqueBucketName('policy'));
  proxy = await startFaultProxy(rgw.endpoint);
});
afterAll(() => proxy.close());

describe('bucket policy against RGW', () => {
  it('reads "none" for a new bucket, writes a policy, reads it back, deletes it (twice is fine)', async () => {
    const c = config(bucket);
    expect(await readBucketPolicy(c, env, fast)).toEqual({ state: 'none' });
    await writeBucketPolicy(c, env, publicRead(bucket), fast);
    const read = await readBucketPolicy(c, env, fast);
    expect(read.state).toBe('policy');
    expect(JSON.parse((read as { text: string }).text)).toEqual(JSON.parse(publicRead(bucket)));
    await deleteBucketPolicy(c, env, fast);
    expect(await readBucketPolicy(c, env, fast)).toEqual({ state: 'none' });
    await deleteBucketPolicy(c, env, fast);
  });

  it('refuses to overwrite a policy someone changed since it was read', async () => {
    const b = await createBucket(rgw, uniqueBucketName('policy-race'));
    const c = config(b);
    // Written against "none", which is true: accepted.
    await writeBucketPolicy(c, env, publicRead(b), { ...fast, previous: null });
    // Another "none"-based write now finds a policy: refused, and the policy stays.
    await expect(writeBucketPolicy(c, env, publicRead(b).replace('PublicRead', 'Mine'), { ...fast, previous: null })).rejects.toMatchObject({
      code: 'conflict',
      message: `The policy of bucket "${b}" changed since it was read (it is another policy now); reload it and make the change again.`,
    });
    // Against the policy as read (the server's layout may differ: the same JSON is the same policy).
    const read = (await readBucketPolicy(c, env, fast)) as { text: string };
    await writeBucketPolicy(c, env, publicRead(b).replace('PublicRead', 'Second'), { ...fast, previous: JSON.stringify(JSON.parse(read.text)) });
    await expect(writeBucketPolicy(c, env, publicRead(b), { ...fast, previous: read.text })).rejects.toMatchObject({ code: 'conflict' });
    await deleteBucketPolicy(c, env, fast);
    await expect(writeBucketPolicy(c, env, publicRead(b), { ...fast, previous: read.text })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('(it has none now)') });
    expect(await readBucketPolicy(c, env, fast)).toEqual({ state: 'none' });
  });

  it("shows the server's reason when it refuses a policy", async () => {
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*', Condition: { NoSuchOperator: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
    // RGW refuses it with a bare InvalidArgument.
    await expect(writeBucketPolicy(config(bucket), env, bad, fast)).rejects.toMatchObject({
      code: 'invalid-input',
      message: `${rgw.endpoint} refused the policy for bucket "${bucket}" (InvalidArgument) without saying why.`,
    });
    expect(await readBucketPolicy(config(bucket), env, fast)).toEqual({ state: 'none' });
    // AWS answers MalformedPolicy with its reason, which is shown as it is.
    proxy.setDecide((req) => (req.method === 'PUT' && /[?&]policy(=|&|$)/.test(req.url ?? '') ? { status: 400, code: 'MalformedPolicy', message: 'Policy has invalid resource' } : 'pass'));
    try {
      await expect(writeBucketPolicy(config(bucket, proxy.endpoint), env, publicRead(bucket), fast)).rejects.toMatchObject({
        code: 'invalid-input',
        message: `http://${proxy.endpoint} refused the policy for bucket "${bucket}" (MalformedPolicy): Policy has invalid resource`,
      });
    } finally {
      proxy.setDecide(() => 'pass');
    }
  });

  it('refuses text that is not JSON, or empty, before asking the server', async () => {
    // An endpoint nobody listens on: a request would fail as "unreachable", not as invalid input.
    const nowhere = config(bucket, '127.0.0.1:9');
    await expect(writeBucketPolicy(nowhere, env, '{"Version": "2012-10-17",', fast)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining(`The policy for bucket "${bucket}" is not valid JSON: `) });
    await expect(writeBucketPolicy(nowhere, env, '  \n', fast)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('is empty. To remove the policy, delete it instead.') });
  });

  it('names the missing permission when another user may not read or change the policy', async () => {
    const other = await rgw.createUser(`policy-other-${Date.now()}`);
    const otherEnv = { ...env, AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey };
    await expect(readBucketPolicy(config(bucket), otherEnv, fast)).rejects.toMatchObject({ code: 'access-denied', message: expect.stringContaining('This needs s3:GetBucketPolicy') });
    await expect(writeBucketPolicy(config(bucket), otherEnv, publicRead(bucket), fast)).rejects.toMatchObject({ code: 'access-denied', message: expect.stringContaining('This needs s3:PutBucketPolicy') });
    await expect(deleteBucketPolicy(config(bucket), otherEnv, fast)).rejects.toMatchObject({ code: 'access-denied', message: expect.stringContaining('This needs s3:DeleteBucketPolicy') });
    // A wrong secret is a credentials problem, not a missing permission.
    await expect(readBucketPolicy(config(bucket), { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' }, fast)).rejects.toMatchObject({ code: 'bad-credentials' });
  });

  it('says which bucket does not exist', async () => {
    const missing = uniqueBucketName('never-made');
    await expect(readBucketPolicy(config(missing), env, fast)).rejects.toMatchObject({ code: 'no-such-bucket', message: expect.stringContaining(`There is no bucket "${missing}"`) });
  });

  it('tells a provider without a policy API (501 NotImplemented) apart from "no policy yet"', async () => {
    proxy.setDecide((req) => (/[?&]policy(=|&|$)/.test(req.url ?? '') ? notImplemented : 'pass'));
    try {
      const c = config(bucket, proxy.endpoint);
      expect(await readBucketPolicy(c, env, fast)).toEqual({ state: 'unsupported', message: expect.stringContaining(`http://${proxy.endpoint} has no bucket policy API`) });
      await expect(writeBucketPolicy(c, env, publicRead(bucket), fast)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('has no bucket policy API') });
      await expect(deleteBucketPolicy(c, env, fast)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('has no bucket policy API') });
    } finally {
      proxy.setDecide(() => 'pass');
    }
  });

  it('fails a request that gets no answer at its deadline', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      await expect(readBucketPolicy(config(bucket, endpoint), env, { retry: { deadlineMs: 400, maxAttempts: 1 } })).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('No answer from') });
      await expect(writeBucketPolicy(config(bucket, endpoint), env, publicRead(bucket), { retry: { deadlineMs: 400, maxAttempts: 1 } })).rejects.toMatchObject({ code: 'unreachable' });
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });
});
