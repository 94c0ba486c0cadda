import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixGenerateKey, type FixtureClosure } from '../../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, uniqueBucketName, uploadDir } from '../../../scripts/testbed/s3';
import { findNode, whyChain } from '../../../shared/path/closure-graph';
import { IndexDb } from '../index/index-db';
import { refreshIndex } from '../index/refresh';
import { HttpStore } from '../stores/http-store';
import { S3Store } from '../stores/s3-store';
import { readClosure, readPathInfo, type PathSource } from './path-service';
import { ReferrerQueries } from './referrers';

const rgw = injectRgw();
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
const base = (p: string) => p.slice('/nix/store/'.length);

let closure: FixtureClosure;
let key: { secret: string; public: string };
let bucket: string;
let dir: string;
let source: PathSource & { index: IndexDb };

beforeAll(async () => {
  closure = await buildFixtureClosure('path-service-int');
  key = await nixGenerateKey('path-int-1');
  dir = await mkdtemp(join(tmpdir(), 'narwhal-path-int-'));
  await nixCopyToFile(join(dir, 'cache'), [closure.top], { secretKey: key.secret });
  bucket = await createBucket(rgw, uniqueBucketName('path-int'));
  await uploadDir(rgw, bucket, join(dir, 'cache'));
  await makeBucketPublicRead(rgw, bucket);
  const store = new S3Store({ kind: 's3', bucket, endpoint: rgw.endpoint, scheme: 'http', region: rgw.region, settings: [] }, env);
  const { db } = IndexDb.open(join(dir, 'index.sqlite'));
  await refreshIndex(store, db);
  source = { store, index: db, referrers: new ReferrerQueries() };
}, 120_000);

afterAll(async () => {
  source?.referrers.closeAll();
  source?.index.close();
  source?.store.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// buildFixtureClosure's order: leaf, lib, top.
const leaf = () => closure.all[0]!;
const lib = () => closure.all[1]!;
const top = () => closure.top;

describe('a path page of a bucket Nix wrote', () => {
  it('agrees with Nix on acceptance: valid with its key trusted, not trusted (and refused by Nix) without', async () => {
    const trusted = await readPathInfo(source, top(), [key.public]);
    expect(trusted).toMatchObject({ found: true, problems: [], accepted: true, basename: base(top()) });
    expect(trusted.signatures).toEqual([{ sig: expect.stringMatching(/^path-int-1:/), keyName: 'path-int-1', result: 'valid' }]);
    const other = (await nixGenerateKey('someone-else-1')).public;
    const untrusted = await readPathInfo(source, top(), [other]);
    expect(untrusted.signatures[0]!.result).toBe('untrusted');
    expect(untrusted.accepted).toBe(false);

    // Nix itself, substituting from the bucket over HTTP with the same trusted keys.
    const url = bucketUrl(rgw, bucket);
    expect((await nixCopyFromHttp(url, top(), key.public)).ok).toBe(true);
    const refused = await nixCopyFromHttp(url, top(), other);
    expect(refused.ok).toBe(false);
    expect(refused.stderr).toMatch(/lacks a valid signature/);
  }, 60_000);

  it('lists references present and referrers from the index; the closure is the one nix-store -qR gives', async () => {
    const info = await readPathInfo(source, base(lib()), []);
    expect(info.references).toEqual([{ basename: base(leaf()), hash: base(leaf()).slice(0, 32), state: 'present', narSize: expect.any(Number) }]);
    expect(info.referrers.paths.map((p) => p.basename)).toEqual([base(top())]);
    const graph = await readClosure(source, top());
    expect(graph.nodes.map((n) => `/nix/store/${n.basename}`).sort()).toEqual([...closure.all].sort());
    expect(graph.nodes.every((n) => n.state === 'present')).toBe(true);
    expect(whyChain(graph, findNode(graph, base(leaf()))!)).toHaveLength(2);
  });

  it('works for the same bucket as an HTTP cache, which has no index: narinfo by narinfo, referrers unavailable', async () => {
    const http: PathSource = { store: new HttpStore(bucketUrl(rgw, bucket)), referrers: source.referrers, noIndexReason: 'An HTTP cache cannot be listed.' };
    try {
      const info = await readPathInfo(http, base(top()).slice(0, 32), [key.public]);
      expect(info).toMatchObject({ found: true, accepted: true, basename: base(top()), referrers: { available: false, reason: 'An HTTP cache cannot be listed.' } });
      const graph = await readClosure(http, top());
      expect(graph).toMatchObject({ source: 'cache', reads: closure.all.length });
      expect(graph.nodes).toHaveLength(closure.all.length);
    } finally {
      http.store.close();
    }
  });

  it('flags a reference whose narinfo was deleted, once the index is refreshed, and still names who refers to it', async () => {
    await source.store.delete(`${base(leaf()).slice(0, 32)}.narinfo`);
    // The references are looked up in the cache now, without waiting for a refresh.
    expect((await readPathInfo(source, lib(), [])).references[0]!.state).toBe('missing');
    await refreshIndex(source.store, source.index);
    const graph = await readClosure(source, top());
    expect(graph.nodes.find((n) => n.basename === base(leaf()))).toMatchObject({ state: 'missing', refs: [] });
    const gone = await readPathInfo(source, leaf(), []);
    expect(gone.found).toBe(false);
    expect(gone.referrers.paths.map((p) => p.basename).sort()).toEqual([base(lib()), base(top())].sort());
  });
});
