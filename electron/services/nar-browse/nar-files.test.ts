import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hash } from '../../../shared/nix/hash';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { createCompressor } from '../compress/compress';
import { buildNarListing } from '../nar/nar-listing';
import { type TreeNode, encodeTree, sortTree } from '../nar/nar-test-util';
import { FileStore } from '../stores/file-store';
import { readBuildLog } from './build-log';
import { checkIntegrity } from './integrity';
import { listNarEntries, narFiles } from './nar-files';
import { previewNarFile } from './nar-preview';

// A folder cache made here, byte by byte, to give the services what real caches rarely hold:
// broken listings, NARs that do not match their narinfo, decompression bombs.

const hash = '0123456789abcdfghijklmnpqrsvwxyz';
const storePath = `/nix/store/${hash}-hostile`;
let root: string;
let store: FileStore;

const tree: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['a.txt', { type: 'regular', contents: 'alpha\n' }],
    ['big', { type: 'regular', contents: 'z'.repeat(200_000) }],
  ],
});
const nar = encodeTree(tree);

async function compress(method: 'xz' | 'zstd', bytes: Uint8Array): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  await pipeline([bytes], createCompressor(method), async (source: AsyncIterable<Uint8Array>) => {
    for await (const chunk of source) parts.push(chunk);
  });
  return Buffer.concat(parts);
}

async function put(key: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(join(root, key, '..'), { recursive: true });
  await writeFile(join(root, key), bytes);
}

function narinfoFor(url: string, file: Uint8Array, narBytes: Uint8Array, compression: string, extra: Partial<Narinfo> = {}): Narinfo {
  return { storePath, url, compression, fileHash: sha256Hash(file), fileSize: file.length, narHash: sha256Hash(narBytes), narSize: narBytes.length, references: [], sigs: [], unknown: [], ...extra };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'narwhal-nar-files-'));
  store = new FileStore(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('narFiles against hostile caches', () => {
  it('reads a .ls that Nix stored compressed (ls-compression), and says the listing came from it', async () => {
    const xz = await compress('xz', nar);
    await put('nar/a.nar.xz', xz);
    await put(`${hash}.ls`, await compress('zstd', encodeNarListing(await buildNarListing([nar]))));
    const listing = await narFiles(store, narinfoFor('nar/a.nar.xz', xz, nar, 'xz'));
    expect(listing.source).toBe('ls');
    expect(listing.entries).toEqual((await listNarEntries([nar])).entries);
  });

  it('falls back to the NAR when the .ls is not JSON, nests too deep or is not a listing, saying why', async () => {
    const xz = await compress('xz', nar);
    await put('nar/a.nar.xz', xz);
    let deep = '{"type":"regular","size":1}';
    for (let i = 0; i < 70; i++) deep = `{"type":"directory","entries":{"d":${deep}}}`;
    for (const [text, why] of [
      ['{"version":1,"root":', /listing is not valid JSON/],
      [`{"version":1,"root":${deep}}`, /nested deeper than 64 levels/],
      ['{"version":2,"root":{}}', /unsupported listing version number 2 \(expected 1\)/],
      ['{"version":1,"root":{"type":"directory","entries":{"..":{"type":"regular","size":1}}}}', /invalid entry name "\.\."/],
    ] as const) {
      await put(`${hash}.ls`, text);
      const listing = await narFiles(store, narinfoFor('nar/a.nar.xz', xz, nar, 'xz'));
      expect(listing.source).toBe('nar');
      expect(listing.note).toMatch(why);
      expect(listing.note).toMatch(/the files were read from the NAR instead/);
      expect(listing.entries.map((e) => e.path)).toEqual(['/', '/a.txt', '/big']);
    }
    await rm(join(root, `${hash}.ls`));
  });

  it('stops a NAR that decompresses past its NarSize, and names a NAR that is not one', async () => {
    const xz = await compress('xz', nar);
    await put('nar/a.nar.xz', xz);
    await expect(narFiles(store, narinfoFor('nar/a.nar.xz', xz, nar, 'xz', { narSize: 1000 }))).rejects.toThrow(/decompresses to more than its NarSize of 1000 bytes; stopped there/);
    const junk = await compress('xz', Buffer.from('this is not a NAR at all'.repeat(4)));
    await put('nar/junk.nar.xz', junk);
    await expect(narFiles(store, narinfoFor('nar/junk.nar.xz', junk, nar, 'xz'))).rejects.toThrow(/is not a valid NAR: NAR byte 0, in \/: not a NAR/);
    await put('nar/plain.nar.xz', nar);
    await expect(narFiles(store, narinfoFor('nar/plain.nar.xz', nar, nar, 'xz'))).rejects.toThrow(/cannot be decompressed after \d+ bytes of it: xz decompression failed/);
    await expect(narFiles(store, narinfoFor('nar/gone.nar.xz', nar, nar, 'xz'))).rejects.toThrow(/has the narinfo of .* but not its NAR nar\/gone\.nar\.xz/);
    await expect(narFiles(store, narinfoFor('nar/a.nar.lz4', nar, nar, 'lz4'))).rejects.toThrow(/stored as "lz4".*Narwhal reads xz, zstd, bzip2, gzip, none/);
  });

  it('previews from an uncompressed NAR too', async () => {
    await put('nar/b.nar', nar);
    const p = await previewNarFile(store, narinfoFor('nar/b.nar', nar, nar, 'none'), '/big', { maxBytes: 100 });
    expect(p).toMatchObject({ kind: 'text', shownBytes: 100, truncated: true, size: 200_000 });
  });
});

describe('checkIntegrity on hostile NARs', () => {
  it('a NAR file longer than its FileSize is not read to its end', async () => {
    await put('nar/c.nar', nar);
    const result = await checkIntegrity(store, narinfoFor('nar/c.nar', nar, nar, 'none', { fileSize: 100 }));
    const by = Object.fromEntries(result.checks.map((c) => [c.check, c]));
    expect(by.fileSize).toMatchObject({ status: 'failed', detail: 'the file goes on past 100 bytes; stopped reading there' });
    expect(by.fileHash!.status).toBe('skipped');
    expect(result.ok).toBe(false);
  });

  it('a narinfo without FileSize and FileHash skips those checks and says why', async () => {
    await put('nar/d.nar', nar);
    const result = await checkIntegrity(store, narinfoFor('nar/d.nar', nar, nar, 'none', { fileSize: undefined, fileHash: undefined }));
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.status)).toEqual(['ok', 'skipped', 'skipped', 'ok', 'ok', 'ok']);
    expect(result.checks[1]!.detail).toBe('the narinfo has no FileSize');
  });

  it('a file that is not what its Compression says fails the decompression, with where', async () => {
    await put('nar/e.nar.xz', nar);
    const result = await checkIntegrity(store, narinfoFor('nar/e.nar.xz', nar, nar, 'xz'));
    const by = Object.fromEntries(result.checks.map((c) => [c.check, c]));
    expect(by.fileHash!.status).toBe('ok');
    expect(by.decompress).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^xz decompression failed after \d+ of \d+ bytes of the file \(0 bytes of NAR out\)/) });
    expect([by.narSize!.status, by.narHash!.status]).toEqual(['skipped', 'skipped']);
  });
});

describe('readBuildLog', () => {
  it('says there is no log without a deriver, and reads a gzip- or brotli-stored log', async () => {
    const base = narinfoFor('nar/a.nar.xz', nar, nar, 'xz');
    expect(await readBuildLog(store, base)).toEqual({ status: 'no-deriver', storePath });
    const { gzipSync, brotliCompressSync } = await import('node:zlib');
    await put('log/x-gz.drv', gzipSync('gzip log\n'));
    expect(await readBuildLog(store, { ...base, deriver: 'x-gz.drv' })).toMatchObject({ status: 'found', text: 'gzip log\n', compression: 'gzip' });
    await put('log/x-br.drv', brotliCompressSync(Buffer.from('brötli log ünïcode\n'.repeat(3))));
    expect(await readBuildLog(store, { ...base, deriver: 'x-br.drv' })).toMatchObject({ status: 'found', text: 'brötli log ünïcode\n'.repeat(3), compression: 'br' });
    await put('log/x-plain.drv', 'plain\n');
    expect(await readBuildLog(store, { ...base, deriver: 'x-plain.drv' })).toMatchObject({ status: 'found', text: 'plain\n', truncated: false });
    expect((await readBuildLog(store, { ...base, deriver: 'x-none.drv' })).status).toBe('missing');
  });
});
