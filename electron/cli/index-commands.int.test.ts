import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../../scripts/testbed/fault-proxy';
import { startFaultProxy } from '../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../scripts/testbed/inject';
import { buildFixtureClosure, nix, nixCopyToFile, nixGenerateKey } from '../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, s3Client, uniqueBucketName, uploadDir } from '../../scripts/testbed/s3';
import { cliTestEnv, runCommandLine } from './test-harness';

const rgw = injectRgw();
let env: NodeJS.ProcessEnv;
let proxy: FaultProxy;
/** GETs of narinfos that went through the proxy. */
let narinfoGets = 0;

const cli = (argv: string[]) => runCommandLine(argv, { env });
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** A cache Nix wrote (signed), in a folder and in a new bucket, with what `nix path-info --json` says of it. */
async function nixCache(label: string) {
  const closure = await buildFixtureClosure(label);
  const key = await nixGenerateKey(`${label}-1`);
  const folder = await mkdtemp(join(tmpdir(), 'narwhal-index-cache-'));
  await nixCopyToFile(folder, [closure.top], { secretKey: key.secret });
  const bucket = await createBucket(rgw, uniqueBucketName(label));
  await uploadDir(rgw, bucket, folder);
  const nixJson = JSON.parse(await nix(['path-info', '--json', '--store', `file://${folder}`, ...closure.all])) as Array<{ path: string }>;
  return { closure, folder, bucket, nixJson, url: `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test` };
}

beforeAll(async () => {
  env = await cliTestEnv(await mkdtemp(join(tmpdir(), 'narwhal-index-cli-')), rgw);
  proxy = await startFaultProxy(rgw.endpoint, {
    decide: (req) => {
      if (req.method === 'GET' && /^\/[^/?]+\/[0-9a-z]{32}\.narinfo(\?|$)/.test(req.url ?? '')) narinfoGets += 1;
      return 'pass';
    },
  });
});
afterAll(() => proxy.close());

describe('narwhal ls --long', () => {
  it('prints every path with its sizes and signatures, and run again on an unchanged cache reads no narinfo', async () => {
    const { closure, bucket, nixJson, url } = await nixCache('ls-long');
    const before = narinfoGets;
    const first = await cli(['ls', url, '--long']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(narinfoGets - before).toBe(3);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(closure.all.map(baseName).sort());
    for (const line of lines) expect(line).toMatch(/ xz {2}\d refs? +signed by 1 key {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The contract: an unchanged cache, listed again, costs no narinfo GET.
    const second = await cli(['ls', url, '--long']);
    expect(second).toEqual(first);
    expect(narinfoGets - before).toBe(3);

    // --json: what nix path-info --json says of each path, and the listing's fields.
    const json = JSON.parse((await cli(['ls', url, '--long', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(narinfoGets - before).toBe(3);
    expect(json.map(({ hash: _h, name: _n, compression: _c, signedBy: _s, lastModified: _l, ...rest }) => rest)).toEqual([...nixJson].sort((a, b) => (a.path < b.path ? -1 : 1)));
    expect(json.every((row) => row.compression === 'xz' && (row.signedBy as string[])[0] === 'ls-long-1' && typeof row.lastModified === 'string')).toBe(true);

    // path-info --closure takes the paths below the one asked about from the index: one GET.
    expect((await cli(['path-info', url, closure.top, '--closure'])).status).toBe(0);
    expect(narinfoGets - before).toBe(4);

    // A deleted narinfo disappears, still without reading any.
    const s3 = s3Client(rgw);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${baseName(closure.top).slice(0, 32)}.narinfo` }));
    s3.destroy();
    const third = await cli(['ls', url, '--long']);
    expect(third.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(closure.all.filter((p) => p !== closure.top).map(baseName).sort());
    expect(narinfoGets - before).toBe(4);
  });

  it('says an HTTP cache cannot be listed', async () => {
    const result = await cli(['ls', 'https://cache.example.invalid', '--long']);
    expect(result).toMatchObject({ status: 1, stderr: expect.stringContaining('cannot be listed') });
  });
});

describe('narwhal path-info', () => {
  it('prints the narinfo, its JSON as nix path-info gives it, and its closure with missing paths', async () => {
    const { closure, folder, bucket, nixJson, url } = await nixCache('path-info');
    const [leaf, lib, top] = closure.all as [string, string, string];
    const topHash = baseName(top).slice(0, 32);
    expect(await cli(['path-info', url, top])).toEqual({ status: 0, stdout: await readFile(join(folder, `${topHash}.narinfo`), 'utf8'), stderr: '' });
    const one = JSON.parse((await cli(['path-info', url, topHash, '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(one.map(({ compression: _c, ...rest }) => rest)).toEqual(nixJson.filter((p) => p.path === top));
    const all = JSON.parse((await cli(['path-info', url, baseName(top), '--json', '--closure'])).stdout) as Array<{ path: string; compression?: string }>;
    expect(all.map(({ compression: _c, ...rest }) => rest).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([...nixJson].sort((a, b) => (a.path < b.path ? -1 : 1)));
    const text = await cli(['path-info', url, top, '--closure']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^3 paths in the cache: .* of NARs, .* to download$/m);

    // The leaf's narinfo goes: the closure walk names it as missing, with who refers to it.
    const s3 = s3Client(rgw);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${baseName(leaf).slice(0, 32)}.narinfo` }));
    s3.destroy();
    const broken = await cli(['path-info', url, lib, '--closure']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^1 path in the cache: .*; 1 missing$/m);
    expect(broken.stderr).toBe(`missing: ${baseName(leaf)}: the cache has no ${baseName(leaf).slice(0, 32)}.narinfo, which ${baseName(lib)} refers to\n`);
    const brokenJson = JSON.parse((await cli(['path-info', url, lib, '--closure', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(brokenJson).toContainEqual({ path: baseName(leaf), valid: false, referencedBy: baseName(lib) });
    expect(await cli(['path-info', url, leaf])).toMatchObject({ status: 1, stdout: '', stderr: expect.stringContaining('missing: ') });

    // An HTTP cache (the bucket read anonymously) cannot be listed, but path-info follows References.
    await makeBucketPublicRead(rgw, bucket);
    const http = await cli(['path-info', bucketUrl(rgw, bucket), top, '--closure', '--json']);
    expect(http.status).toBe(1);
    expect((JSON.parse(http.stdout) as Array<{ path: string }>).map((p) => p.path).sort()).toEqual([baseName(leaf), lib, top].sort());
  });

  it('refuses what is not a store path before reading anything', async () => {
    expect(await cli(['path-info', 'file:///nonexistent', 'not a path'])).toMatchObject({ status: 1, stderr: expect.stringContaining('is not a store path') });
  });
});
