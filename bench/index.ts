/**
 * Cache index benchmark, against a real S3 (a Ceph RGW on loopback, started here), with a cache of
 * 20 000 paths (synthetic, valid narinfos: listing and reading is what is measured, the NARs they
 * name do not exist):
 *  1. a full index (electron/services/index/refresh.ts: listing split across the 32 nix32 prefixes,
 *     narinfos read 64 at a time, parsed and written to SQLite) against a plain script that lists the
 *     same keys and GETs every narinfo with the same SDK at concurrency 64 (target: ≤ 1.2×);
 *  2. a second refresh of the unchanged cache: its narinfo GETs, counted by a pass-through proxy in
 *     front of RGW (target: none), its time, and the time to reopen the index and read its first page
 *     of rows (target: under a second).
 *
 *   npx tsx bench/index.ts [--paths 20000] [--rounds 2]
 *
 * Rounds alternate plain script and index, and the best of each is compared, so that RGW warming up
 * favours neither. Needs Ceph's radosgw (scripts/ensure-deps.sh).
 */
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startFaultProxy } from '../scripts/testbed/fault-proxy';
import { startRgw } from '../scripts/testbed/rgw';
import { createBucket, s3Client } from '../scripts/testbed/s3';
import type { S3Config } from '../shared/caches/config';
import { IndexDb } from '../electron/services/index/index-db';
import { refreshIndex } from '../electron/services/index/refresh';
import { syntheticNarinfo } from '../electron/services/index/synthetic-narinfos';
import { S3Store } from '../electron/services/stores/s3-store';
import { mapConcurrent } from '../electron/services/util/map-concurrent';

const { values } = parseArgs({ options: { paths: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '2' } } });
const count = Number(values.paths);
const rounds = Number(values.rounds);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const work = fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-index-'));
const rgw = await startRgw();
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** The plain script: list every key (one page after another, as a script would), then GET every narinfo, 64 at a time. */
async function plainScript(bucket: string): Promise<number> {
  const s3 = s3Client(rgw);
  const t0 = performance.now();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, Delimiter: '/' }));
    for (const object of page.Contents ?? []) if (object.Key!.endsWith('.narinfo')) keys.push(object.Key!);
    token = page.NextContinuationToken;
  } while (token);
  let bytes = 0;
  await mapConcurrent(keys, 64, async (key) => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    bytes += (await out.Body!.transformToString()).length;
  });
  if (keys.length !== count || bytes === 0) throw new Error(`the plain script found ${keys.length} narinfos, not ${count}`);
  s3.destroy();
  return seconds(t0);
}

/** A full index into a new database file. */
async function fullIndex(config: S3Config, round: number): Promise<number> {
  const store = new S3Store(config, env);
  const { db } = IndexDb.open(path.join(work, `full-${round}.sqlite`));
  const t0 = performance.now();
  const summary = await refreshIndex(store, db, { concurrency: 64 });
  const elapsed = seconds(t0);
  if (summary.total !== count || summary.read !== count) throw new Error(`the index has ${summary.total} paths (read ${summary.read}), not ${count}`);
  db.close();
  store.close();
  return elapsed;
}

try {
  console.log(`${count} paths; ${availableParallelism()} cores; load ${loadavg()[0]!.toFixed(2)}`);
  const bucket = await createBucket(rgw, 'bench-index');
  const s3 = s3Client(rgw);
  let t0 = performance.now();
  await mapConcurrent(Array.from({ length: count }, (_, i) => i), 128, async (i) => {
    const n = syntheticNarinfo(i, { sigs: [`bench-1:${Buffer.alloc(64, i % 251).toString('base64')}`] });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: n.key, Body: n.text, ContentType: 'text/x-nix-narinfo' }));
  });
  s3.destroy();
  console.log(`uploaded ${count} narinfos in ${seconds(t0).toFixed(1)} s`);

  const config: S3Config = { kind: 's3', bucket, endpoint: rgw.endpoint, region: rgw.region, settings: [] };
  const plain: number[] = [];
  const ours: number[] = [];
  for (let round = 0; round < rounds; round++) {
    plain.push(await plainScript(bucket));
    ours.push(await fullIndex(config, round));
    console.log(`round ${round + 1}: plain script ${plain.at(-1)!.toFixed(2)} s, full index ${ours.at(-1)!.toFixed(2)} s`);
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`full index of ${count} paths: ${best(ours).toFixed(2)} s vs plain list + GET at 64: ${best(plain).toFixed(2)} s → ${(best(ours) / best(plain)).toFixed(2)}× (target ≤ 1.2×)`);

  // The unchanged cache again, through a proxy that counts narinfo GETs.
  let narinfoGets = 0;
  const proxy = await startFaultProxy(rgw.endpoint, {
    decide: (req) => {
      if (req.method === 'GET' && /\.narinfo(\?|$)/.test(req.url ?? '')) narinfoGets += 1;
      return 'pass';
    },
  });
  try {
    const file = path.join(work, `full-${rounds - 1}.sqlite`);
    t0 = performance.now();
    const { db } = IndexDb.open(file);
    const page = db.page({ offset: 0, limit: 100, sort: { column: 'name' } });
    const shown = seconds(t0);
    if (page.total !== count || page.rows.length !== 100) throw new Error(`the reopened index shows ${page.total} paths`);
    // The same bucket through the proxy: the file's rows are its keys, so nothing is new or changed.
    const store = new S3Store({ ...config, endpoint: proxy.url }, env);
    t0 = performance.now();
    const summary = await refreshIndex(store, db);
    const again = seconds(t0);
    const filterT0 = performance.now();
    const filtered = db.page({ offset: 0, limit: 100, filter: 'synthetic-1999' });
    const filterMs = performance.now() - filterT0;
    db.close();
    store.close();
    console.log(`reopened index: first 100 of ${page.total} rows in ${(shown * 1000).toFixed(0)} ms (target < 1 s); a filter over all rows (${filtered.total} match) in ${filterMs.toFixed(0)} ms`);
    console.log(`unchanged refresh: ${narinfoGets} narinfo GETs (target 0; read ${summary.read}), ${again.toFixed(2)} s (32 listings of the prefixes)`);
  } finally {
    await proxy.close();
  }
} finally {
  await rgw.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
