import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../../../scripts/testbed/fault-proxy';
import { startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildFixtureClosure, nix, nixCopyToFile, nixGenerateKey } from '../../../scripts/testbed/nix';
import { createBucket, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import type { S3Config } from '../../../shared/caches/config';
import { FileStore } from '../stores/file-store';
import { S3Store } from '../stores/s3-store';
import { mapConcurrent } from '../util/map-concurrent';
import { IndexDb } from './index-db';
import { pathJson } from './path-json';
import { refreshIndex } from './refresh';
import { syntheticNarinfo } from './synthetic-narinfos';

const rgw = injectRgw();
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
let proxy: FaultProxy;
const counts = { narinfoGets: 0, lists: 0 };

beforeAll(async () => {
  proxy = await startFaultProxy(rgw.endpoint, {
    decide: (req) => {
      if (req.method === 'GET' && /^\/[^/?]+\/[0-9a-z]{32}\.narinfo(\?|$)/.test(req.url ?? '')) counts.narinfoGets += 1;
      if (req.method === 'GET' && /[?&]list-type=2/.test(req.url ?? '')) counts.lists += 1;
      return 'pass';
    },
  });
});
afterAll(() => proxy.close());

const dbFile = async () => join(await mkdtemp(join(tmpdir(), 'narwhal-index-int-')), 'index.sqlite');

describe('refreshIndex against RGW', () => {
  it('finds all of 2 100 narinfos spread over every prefix, reads none again, and drops a deleted one', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('index'));
    const s3 = s3Client(rgw);
    const narinfos = Array.from({ length: 2100 }, (_, i) => syntheticNarinfo(i, { seed: bucket }));
    await mapConcurrent(narinfos, 32, (n) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: n.key, Body: n.text, ContentType: 'text/x-nix-narinfo' })));
    // Not narinfos: left out.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'nix-cache-info', Body: 'StoreDir: /nix/store\n' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `nar/${narinfos[0]!.hash}.nar.xz`, Body: 'x' }));
    expect(new Set(narinfos.map((n) => n.hash[0])).size).toBe(32);

    const config: S3Config = { kind: 's3', bucket, endpoint: proxy.endpoint, scheme: 'http', region: 'us-east-1', settings: [] };
    const store = new S3Store(config, env);
    const { db } = IndexDb.open(await dbFile());
    try {
      const gets = counts.narinfoGets;
      const lists = counts.lists;
      const first = await refreshIndex(store, db);
      expect(first).toMatchObject({ total: 2100, added: 2100, read: 2100, errors: 0 });
      expect(counts.narinfoGets - gets).toBe(2100);
      // One listing per prefix (each under 1000 keys): 32 requests, not one after another; and one of
      // nar/ (one page: a single NAR).
      expect(counts.lists - lists).toBe(33);
      expect(new Set([...db.all()].map((row) => row.hash))).toEqual(new Set(narinfos.map((n) => n.hash)));
      const row = db.get(narinfos[5]!.hash)!;
      expect(row).toMatchObject({ storePath: narinfos[5]!.storePath, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/), size: Buffer.byteLength(narinfos[5]!.text) });

      const second = await refreshIndex(store, db);
      expect(second).toMatchObject({ total: 2100, read: 0, unchanged: 2100 });
      expect(counts.narinfoGets - gets).toBe(2100);

      // Deleted, and one rewritten (a new ETag): one read, one row gone.
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: narinfos[7]!.key }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: narinfos[8]!.key, Body: syntheticNarinfo(8, { seed: bucket, sigs: ['k-1:' + 'B'.repeat(86) + '=='] }).text }));
      const third = await refreshIndex(store, db);
      expect(third).toMatchObject({ total: 2099, removed: 1, changed: 1, read: 1 });
      expect(counts.narinfoGets - gets).toBe(2101);
      expect(db.get(narinfos[7]!.hash)).toBeUndefined();
      expect(db.get(narinfos[8]!.hash)!.sigs).toEqual(['k-1:' + 'B'.repeat(86) + '==']);
    } finally {
      db.close();
      store.close();
      s3.destroy();
    }
  });

  it('fails with the store message when the credentials are wrong, and keeps the index', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('index-gone'));
    const s3 = s3Client(rgw);
    const n = syntheticNarinfo(1, { seed: bucket });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: n.key, Body: n.text }));
    const store = new S3Store({ kind: 's3', bucket, endpoint: proxy.endpoint, scheme: 'http', region: 'us-east-1', settings: [] }, env);
    const { db } = IndexDb.open(await dbFile());
    try {
      await refreshIndex(store, db);
      const wrong = new S3Store({ kind: 's3', bucket, endpoint: proxy.endpoint, scheme: 'http', region: 'us-east-1', settings: [] }, { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' });
      await expect(refreshIndex(wrong, db)).rejects.toThrow(/secret|signature|credentials/i);
      wrong.close();
      expect(db.count()).toBe(1);
    } finally {
      db.close();
      store.close();
      s3.destroy();
    }
  });
});

describe('the index of a cache Nix wrote', () => {
  it('has, for every path, what nix path-info --json says', async () => {
    const closure = await buildFixtureClosure('index-oracle');
    const key = await nixGenerateKey('index-oracle-1');
    const folder = await mkdtemp(join(tmpdir(), 'narwhal-index-nix-'));
    await nixCopyToFile(folder, [closure.top], { secretKey: key.secret, compression: 'zstd' });
    const expected = JSON.parse(await nix(['path-info', '--json', '--store', `file://${folder}`, ...closure.all])) as Array<{ path: string }>;
    const { db } = IndexDb.open(await dbFile());
    try {
      expect(await refreshIndex(new FileStore(folder), db)).toMatchObject({ total: 3, errors: 0 });
      const rows = [...db.all()];
      expect(rows.map((row) => ({ ...pathJson(row), compression: undefined }))).toEqual(expected.sort((a, b) => (a.path < b.path ? -1 : 1)).map((p) => ({ ...p, compression: undefined })));
      expect(rows.every((row) => row.compression === 'zstd' && row.lastModified !== null && row.etag === null)).toBe(true);
    } finally {
      db.close();
    }
  });
});
