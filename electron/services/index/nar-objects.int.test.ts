import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../../../scripts/testbed/fault-proxy';
import { startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../../scripts/testbed/inject';
import { createBucket, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import { encodeNix32 } from '../../../shared/nix/nix32';
import { S3Store } from '../stores/s3-store';
import { mapConcurrent } from '../util/map-concurrent';
import { IndexDb } from './index-db';
import { listNarObjects } from './nar-objects';
import { refreshIndex, rowFromNarinfo } from './refresh';
import { narPresence, statsPaths } from './stats';
import { syntheticNarinfo } from './synthetic-narinfos';

const rgw = injectRgw();
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
let proxy: FaultProxy;
const counts = { narLists: 0 };

beforeAll(async () => {
  proxy = await startFaultProxy(rgw.endpoint, {
    decide: (req) => {
      if (req.method === 'GET' && /[?&]list-type=2/.test(req.url ?? '') && /[?&]prefix=nar%2F/.test(req.url ?? '')) counts.narLists += 1;
      return 'pass';
    },
  });
});
afterAll(() => proxy.close());

describe('NAR presence against RGW', () => {
  it('lists nar/ with a refresh (split over the prefixes past one page) and counts a deleted NAR as missing', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('nars'));
    const s3 = s3Client(rgw);
    const narinfos = Array.from({ length: 20 }, (_, i) => syntheticNarinfo(i, { seed: bucket }));
    const urls = narinfos.map((n) => rowFromNarinfo({ hash: n.hash, etag: null, lastModified: null, size: 0 }, n.text).url!);
    // More than one listing page of NARs, most of them of no narinfo (as after a garbage collection that forgot them).
    const others = Array.from({ length: 1080 }, (_, i) => `nar/${encodeNix32(createHash('sha256').update(`${bucket}/other/${i}`).digest())}.nar.xz`);
    await mapConcurrent([...urls, ...others], 32, (key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'nar' })));
    await mapConcurrent(narinfos, 32, (n) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: n.key, Body: n.text })));

    const store = new S3Store({ kind: 's3', bucket, endpoint: proxy.endpoint, scheme: 'http', region: 'us-east-1', settings: [] }, env);
    const { db } = IndexDb.open(join(await mkdtemp(join(tmpdir(), 'narwhal-nars-int-')), 'index.sqlite'));
    try {
      const before = counts.narLists;
      expect((await listNarObjects(store)).length).toBe(1100);
      // Two pages (the second says there is more than one), then one listing per nix32 character.
      expect(counts.narLists - before).toBe(2 + 32);

      await refreshIndex(store, db);
      expect(narPresence(db)).toMatchObject({ narFiles: 1100, narFileBytes: 3300, narMissing: 0 });

      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: urls[7]! }));
      await refreshIndex(store, db);
      expect(narPresence(db)).toMatchObject({ narFiles: 1099, narMissing: 1 });
      expect(statsPaths(db, 'nar-missing', 10)).toEqual({ total: 1, paths: [{ hash: narinfos[7]!.hash, name: 'synthetic-7', narSize: 4007, url: urls[7] }] });
    } finally {
      db.close();
      store.close();
      s3.destroy();
    }
  });
});
