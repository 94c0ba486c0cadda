import { createServer } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildFixtureClosure, nix, nixCopyToFile } from '../../../scripts/testbed/nix';
import { createBucket, makeBucketPublicRead, s3Client, uniqueBucketName, uploadDir } from '../../../scripts/testbed/s3';
import { CacheService } from './cache-service';
import { NIX32_ALPHABET } from '../../../shared/nix/nix32';
import { listPathHashes, resolveNames } from '../browse/list-paths';

const rgw = injectRgw();
const host = rgw.endpoint.replace(/^http:\/\//, '');
let env: NodeJS.ProcessEnv;

/** A port nothing listens on, for the "unreachable" case. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // Credentials the way users have them: a profile in a shared credentials file, not the environment.
  const home = await mkdtemp(join(tmpdir(), 'narwhal-aws-home-'));
  const reader = await rgw.createUser(`reader-${Date.now()}`);
  await writeFile(
    join(home, 'credentials'),
    [
      '[narwhal-test]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, `aws_secret_access_key = ${rgw.admin.secretAccessKey}`,
      '[wrong-secret]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, 'aws_secret_access_key = not-the-secret',
      '[unknown-key]', 'aws_access_key_id = NOSUCHKEY', 'aws_secret_access_key = whatever',
      '[other-user]', `aws_access_key_id = ${reader.accessKeyId}`, `aws_secret_access_key = ${reader.secretAccessKey}`,
    ].join('\n'),
  );
  env = { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_EC2_METADATA_DISABLED: 'true' };
});

async function service() {
  const s = new CacheService({ dataDir: await mkdtemp(join(tmpdir(), 'narwhal-data-')), env });
  await s.start();
  return s;
}

const s3 = (bucket: string, profile = 'narwhal-test', endpoint = host) => ({ kind: 's3' as const, bucket, endpoint, scheme: 'http' as const, region: 'us-east-1', profile, settings: [] });

describe('S3 caches against a real RGW', () => {
  it('tests and initialises an empty bucket, and Nix accepts what we wrote', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('empty'));
    const caches = await service();
    const cache = await caches.add('RGW', s3(bucket));
    expect(await caches.test(cache.id)).toMatchObject({ status: 'problem', code: 'not-a-cache', message: expect.stringContaining('has no nix-cache-info') });
    expect(await caches.initialise(cache.id, { wantMassQuery: true, priority: 42 })).toEqual({ storeDir: '/nix/store', wantMassQuery: true, priority: 42 });
    expect(await caches.test(cache.id)).toMatchObject({ status: 'ok', info: { storeDir: '/nix/store', wantMassQuery: true, priority: 42 } });
    // Nix reads nix-cache-info when it opens an HTTP binary cache and refuses a wrong StoreDir.
    await makeBucketPublicRead(rgw, bucket);
    await expect(nix(['store', 'ping', '--store', `${rgw.endpoint}/${bucket}`])).resolves.toBeDefined();
  });

  it('creates a missing bucket when initialising', async () => {
    const caches = await service();
    const cache = await caches.add('New', s3(uniqueBucketName('new')));
    expect(await caches.test(cache.id)).toMatchObject({ status: 'problem', code: 'no-such-bucket', message: expect.stringMatching(/^There is no bucket "new-.*" at http:\/\/127\.0\.0\.1:\d+\.$/) });
    await caches.initialise(cache.id, { wantMassQuery: false, priority: 40 });
    expect(await caches.test(cache.id)).toMatchObject({ status: 'ok', info: { wantMassQuery: false, priority: 40 } });
  });

  it('says plainly what is wrong with a connection', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('errors'));
    // One saved connection per bucket: each variant is tried as an edit of the same one.
    const caches = await service();
    const cache = await caches.add('x', s3(bucket));
    const problem = async (config: ReturnType<typeof s3>) => caches.test((await caches.update(cache.id, 'x', config)).id);
    expect(await problem(s3(bucket, 'wrong-secret'))).toMatchObject({ code: 'bad-credentials', message: expect.stringContaining('the secret key is wrong') });
    expect(await problem(s3(bucket, 'unknown-key'))).toMatchObject({ code: 'bad-credentials', message: expect.stringContaining('access key is unknown') });
    expect(await problem(s3(bucket, 'other-user'))).toMatchObject({ code: 'access-denied' });
    expect(await problem(s3(bucket, 'no-such-profile'))).toMatchObject({ code: 'no-credentials' });
    expect(await problem(s3(bucket, 'narwhal-test', `127.0.0.1:${await closedPort()}`))).toMatchObject({ code: 'unreachable', message: expect.stringContaining('ECONNREFUSED') });
    await s3Client(rgw).send(new PutObjectCommand({ Bucket: bucket, Key: 'nix-cache-info', Body: 'StoreDir: /gnu/store\n' }));
    expect(await problem(s3(bucket))).toMatchObject({ code: 'store-dir-mismatch', message: expect.stringContaining('/gnu/store') });
  });

  it('lists exactly the store paths real Nix wrote, by hash and by name', async () => {
    const closure = await buildFixtureClosure('caches-int');
    const folder = await mkdtemp(join(tmpdir(), 'narwhal-nixcache-'));
    await nixCopyToFile(folder, [closure.top], { compression: 'zstd' });
    const bucket = await createBucket(rgw, uniqueBucketName('nixwrote'));
    await uploadDir(rgw, bucket, folder);

    const caches = await service();
    const cache = await caches.add('Nix wrote this', s3(bucket));
    const pages: number[] = [];
    const entries = await listPathHashes(caches.storeFor(cache.id), { onPage: (listed) => pages.push(listed) });
    const expectedHashes = closure.all.map((p) => p.slice('/nix/store/'.length, '/nix/store/'.length + 32)).sort();
    expect(entries.map((e) => e.hash).sort()).toEqual(expectedHashes);
    expect(pages.at(-1)).toBe(closure.all.length);
    const names = await resolveNames(caches.storeFor(cache.id), expectedHashes);
    expect([...names.values()].map((n) => ('storePath' in n ? n.storePath : n.error)).sort()).toEqual([...closure.all].sort());

  });

  it('pages through a listing longer than one ListObjectsV2 page', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('pages'));
    const client = s3Client(rgw);
    // 1100 distinct valid hashes: the index written in nix32 digits, zero-padded.
    const unique = Array.from({ length: 1100 }, (_, i) => [...i.toString(32)].map((d) => NIX32_ALPHABET[parseInt(d, 32)]).join('').padStart(32, '0'));
    for (let i = 0; i < unique.length; i += 50) {
      await Promise.all(unique.slice(i, i + 50).map((h) => client.send(new PutObjectCommand({ Bucket: bucket, Key: `${h}.narinfo`, Body: 'x' }))));
    }
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'nar/ignored.nar', Body: 'x' }));
    const caches = await service();
    const cache = await caches.add('Big', s3(bucket));
    const pages: number[] = [];
    const entries = await listPathHashes(caches.storeFor(cache.id), { onPage: (_listed, page) => pages.push(page) });
    expect(entries).toHaveLength(unique.length);
    expect(pages.length).toBeGreaterThan(1);
  });
});
