import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixGenerateKey } from '../../../scripts/testbed/nix';
import type { FixtureClosure } from '../../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, uniqueBucketName, uploadDir } from '../../../scripts/testbed/s3';
import { formatPublicKey, generateSecretKey } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import { FileStore } from '../stores/file-store';
import { HttpStore } from '../stores/http-store';
import type { CopyProgress } from './copy';
import { copyClosure } from './copy';

// Nix writes the source caches and is the judge of what Narwhal copies: every destination must be
// substituted by `nix copy --from` into a fresh store that requires signatures.

const rgw = injectRgw();
const hashOf = (path: string) => path.slice('/nix/store/'.length, '/nix/store/'.length + 32);
let work: string;
let fixture: FixtureClosure;
let nixKey: { secret: string; public: string };
/** A cache `nix copy --to file://` wrote: xz, signed by nixKey. */
let nixCache: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-copy-'));
  fixture = await buildFixtureClosure('copy');
  nixKey = await nixGenerateKey('copy-source.example.org-1');
  nixCache = join(work, 'nix-cache');
  await nixCopyToFile(nixCache, [fixture.top], { secretKey: nixKey.secret });
});
afterAll(() => rm(work, { recursive: true, force: true }));

const folder = async (label: string) => mkdtemp(join(work, `${label}-`));
/** A writable copy of the Nix-written cache, for tests that break it. */
async function sourceCopy(): Promise<string> {
  const dir = join(await folder('source'), 'cache');
  await cp(nixCache, dir, { recursive: true });
  return dir;
}
const narinfoIn = async (dir: string, path: string) => parseNarinfo(await readFile(join(dir, `${hashOf(path)}.narinfo`), 'utf8'));
const narinfosIn = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.narinfo')).sort();
const [leafOf, libOf] = [() => fixture.all.find((p) => p.endsWith('-leaf'))!, () => fixture.all.find((p) => p.endsWith('-lib'))!];

describe('copyClosure between caches, judged by Nix', () => {
  const ours = generateSecretKey('narwhal-copy-test-1');

  it('recompresses xz to zstd and adds our signature: Nix substitutes with either key trusted; a second copy copies nothing', async () => {
    const dest = await folder('dest');
    const progress: CopyProgress[] = [];
    const summary = await copyClosure({
      source: new FileStore(nixCache),
      destination: new FileStore(dest),
      paths: [fixture.top],
      compression: 'zstd',
      signingKey: ours,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ copied: 3, skipped: 0 });
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['listing', 'reading', 'copying']));
    expect(progress.at(-1)).toMatchObject({ pathsDone: 3, pathsTotal: 3, narinfosRead: 3 });
    expect(progress.at(-1)!.narBytesRead).toBe(progress.at(-1)!.narBytesTotal);
    expect((await readdir(join(dest, 'nar'))).every((name) => name.endsWith('.nar.zst'))).toBe(true);
    for (const path of fixture.all) {
      const info = await narinfoIn(dest, path);
      const source = await narinfoIn(nixCache, path);
      expect(info).toMatchObject({ compression: 'zstd', narHash: source.narHash, narSize: source.narSize, references: source.references });
      expect(verifyNarinfo(info, [ours.publicKey]).status).toBe('valid');
      expect(info.sigs).toEqual(expect.arrayContaining(source.sigs));
    }
    for (const trusted of [formatPublicKey(ours.publicKey), nixKey.public]) {
      const substituted = await nixCopyFromHttp(`file://${dest}`, fixture.top, trusted);
      expect(substituted.ok, substituted.stderr).toBe(true);
    }
    const again = await copyClosure({ source: new FileStore(nixCache), destination: new FileStore(dest), paths: [fixture.top], compression: 'zstd' });
    expect(again).toMatchObject({ copied: 0, skipped: 1 });
  });

  it('copies from an HTTP cache (a public bucket), keeping the NAR bytes as they are; resumes after what the destination has', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('copy-http'));
    await uploadDir(rgw, bucket, nixCache);
    await makeBucketPublicRead(rgw, bucket);
    const dest = await folder('dest');
    // The destination has the leaf already (as after an interrupted copy): only lib and top are read and copied.
    await copyClosure({ source: new FileStore(nixCache), destination: new FileStore(dest), paths: [leafOf()] });
    const summary = await copyClosure({ source: new HttpStore(bucketUrl(rgw, bucket)), destination: new FileStore(dest), paths: [fixture.top] });
    expect(summary).toMatchObject({ copied: 2, skipped: 1 });
    // Same compression: the very bytes Nix wrote, under the same names.
    expect((await readdir(join(dest, 'nar'))).sort()).toEqual((await readdir(join(nixCache, 'nar'))).sort());
    for (const name of await readdir(join(dest, 'nar'))) expect((await readFile(join(dest, 'nar', name))).equals(await readFile(join(nixCache, 'nar', name)))).toBe(true);
    const substituted = await nixCopyFromHttp(`file://${dest}`, fixture.top, nixKey.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  });

  it.each([undefined, 'zstd'] as const)('writes .ls listings byte-identical to the ones Nix writes, when asked (compression %s)', async (compression) => {
    const withListings = await folder('nix-ls');
    await nixCopyToFile(withListings, [fixture.top], { compression: 'none', params: { 'write-nar-listing': '1' } });
    const dest = await folder('dest');
    await copyClosure({ source: new FileStore(nixCache), destination: new FileStore(dest), paths: [fixture.top], compression, writeNarListing: true });
    const listings = (await readdir(dest)).filter((name) => name.endsWith('.ls')).sort();
    expect(listings).toEqual(fixture.all.map((path) => `${hashOf(path)}.ls`).sort());
    for (const name of listings) expect((await readFile(join(dest, name))).equals(await readFile(join(withListings, name)))).toBe(true);
  });

  it('refuses a NAR that is not what its narinfo says, and writes no narinfo that would need it', async () => {
    const source = await sourceCopy();
    const leafNar = join(source, (await narinfoIn(source, leafOf())).url);
    const bytes = await readFile(leafNar);
    // Another valid xz file of the same length would need luck; a flipped byte inside breaks FileHash.
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(leafNar, bytes);
    const dest = await folder('dest');
    await expect(copyClosure({ source: new FileStore(source), destination: new FileStore(dest), paths: [fixture.top] })).rejects.toMatchObject({
      code: 'bad-format',
      message: expect.stringMatching(new RegExp(`^The NAR of ${leafOf()} in folder ${source} .*(is not what its narinfo says|cannot be read)`)),
    });
    expect(await narinfosIn(dest)).toEqual([]);
  });

  it('says a NAR that is not xz at all cannot be read, naming the path, the cache and the key', async () => {
    const source = await sourceCopy();
    const narinfo = await narinfoIn(source, leafOf());
    await writeFile(join(source, narinfo.url), 'this is not an xz file\n');
    // Without FileHash and FileSize the bytes reach the decompressor, which must refuse them.
    const key = join(source, `${hashOf(leafOf())}.narinfo`);
    await writeFile(key, (await readFile(key, 'utf8')).replace(/^File(Hash|Size): .*\n/gm, ''));
    const dest = await folder('dest');
    await expect(copyClosure({ source: new FileStore(source), destination: new FileStore(dest), paths: [leafOf()] })).rejects.toMatchObject({
      code: 'bad-format',
      message: expect.stringMatching(new RegExp(`^The NAR of ${leafOf()} in folder ${source} \\(${narinfo.url}, xz\\) cannot be read: .+\\. Nothing of this path was copied\\.$`)),
    });
    expect(await narinfosIn(dest)).toEqual([]);
  });

  it('stops a NAR that decompresses past its NarSize (a decompression bomb)', async () => {
    const source = await sourceCopy();
    const key = join(source, `${hashOf(leafOf())}.narinfo`);
    const text = await readFile(key, 'utf8');
    await writeFile(key, text.replace(/^NarSize: \d+$/m, 'NarSize: 100'));
    const dest = await folder('dest');
    await expect(copyClosure({ source: new FileStore(source), destination: new FileStore(dest), paths: [leafOf()], compression: 'zstd' })).rejects.toMatchObject({
      code: 'bad-format',
      message: `The NAR of ${leafOf()} in folder ${source} decompresses to more than its NarSize of 100 bytes; stopped there, nothing of this path was copied.`,
    });
    expect(await narinfosIn(dest)).toEqual([]);
    expect(await readdir(join(dest, 'nar')).catch(() => [])).toEqual([]);
  });

  it('names the path that needed a missing narinfo, and refuses --no-closure when a reference is missing', async () => {
    const source = await sourceCopy();
    await rm(join(source, `${hashOf(libOf())}.narinfo`));
    const dest = await folder('dest');
    await expect(copyClosure({ source: new FileStore(source), destination: new FileStore(dest), paths: [fixture.top] })).rejects.toMatchObject({
      code: 'not-found',
      message: `folder ${source} has no ${hashOf(libOf())}.narinfo (a reference of ${fixture.top}), so it cannot give that path.`,
    });
    await expect(copyClosure({ source: new FileStore(nixCache), destination: new FileStore(dest), paths: [libOf()], closure: false })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining(`refers to ${leafOf()}, which is neither in the closure to push nor in the cache`),
    });
    expect(await narinfosIn(dest)).toEqual([]);
  });
});
