import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { formatHash } from '../../../shared/nix/hash';
import { decodeNarListing, encodeNarListing } from '../../../shared/nix/nar-listing';
import { buildNarListing } from '../nar/nar-listing';
import { NarError } from '../nar/nar-reader';
import { dumpPath } from '../nar/nar-writer';
import { nar, nodeTokens } from '../nar/nar-test-util';
import { ListingTap } from './listing-tap';
import { FileStore } from '../stores/file-store';
import { stageNar } from './stage-nar';
import { uploadStaged } from './upload-staged';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A tree with every node type, odd names, an empty file and a file of several NAR writer chunks. */
async function makeTree(): Promise<string> {
  const root = join(await tempDir('narwhal-stage-tree-'), 'out');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'share', 'empty-dir'), { recursive: true });
  await writeFile(join(root, 'bin', 'hello'), '#!/bin/sh\necho hello\n');
  await chmod(join(root, 'bin', 'hello'), 0o755);
  await writeFile(join(root, 'share', 'empty'), '');
  await writeFile(join(root, 'share', 'quote"back\\slash\ttab'), 'x');
  await writeFile(join(root, 'share', 'ünï'), 'unicode');
  // 6.5 MiB of varied bytes: seven chunks of the NAR writer, more than the tap lets wait at once.
  const big = Buffer.alloc(6.5 * 2 ** 20);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  await writeFile(join(root, 'share', 'big.bin'), big);
  await symlink('share/empty', join(root, 'link'));
  return root;
}

/** What the local store would record for a path: the sha256 and size of its NAR. */
async function localInfo(path: string): Promise<LocalPathInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of dumpPath(path)) {
    hash.update(chunk);
    size += chunk.length;
  }
  const narHash = formatHash({ algo: 'sha256', bytes: new Uint8Array(hash.digest()) }, 'nix32', { prefix: true });
  return { path, narHash, narSize: size, references: [], deriver: null, signatures: [], ca: null, registrationTime: null, ultimate: null };
}

describe('stageNar with writeNarListing', () => {
  it('lists the NAR from the stream it compresses: the bytes buildNarListing gives for the NAR', async () => {
    const tree = await makeTree();
    const info = await localInfo(tree);
    const staging = await tempDir('narwhal-stage-');
    const staged = await stageNar(info, staging, { compression: 'zstd', writeNarListing: true });
    const expected = encodeNarListing(await buildNarListing(dumpPath(tree)));
    expect(staged.listing).toBeDefined();
    expect(Buffer.from(staged.listing!).equals(Buffer.from(expected))).toBe(true);
    // And it is a listing of this tree, not merely of something equal to itself.
    const listing = decodeNarListing(staged.listing!);
    expect(listing.root.type).toBe('directory');
    const entries = listing.root.type === 'directory' ? listing.root.entries : {};
    expect(Object.keys(entries).sort()).toEqual(['bin', 'link', 'share']);
    expect(entries['link']).toEqual({ type: 'symlink', target: 'share/empty' });
    const share = entries['share'];
    expect(share?.type === 'directory' && share.entries['big.bin']).toMatchObject({ type: 'regular', size: 6.5 * 2 ** 20 });
    expect(staged.narSize).toBe(info.narSize);
  });

  it('gives no listing unless asked', async () => {
    const tree = await makeTree();
    const staged = await stageNar(await localInfo(tree), await tempDir('narwhal-stage-'), { compression: 'none' });
    expect(staged.listing).toBeUndefined();
  });

  it('a single-file path lists as a regular root', async () => {
    const dir = await tempDir('narwhal-stage-file-');
    const file = join(dir, 'script');
    await writeFile(file, 'echo hi\n');
    await chmod(file, 0o755);
    const staged = await stageNar(await localInfo(file), await tempDir('narwhal-stage-'), { compression: 'gzip', writeNarListing: true });
    expect(Buffer.from(staged.listing!).toString()).toBe('{"version":1,"root":{"type":"regular","size":8,"executable":true,"narOffset":128}}');
  });

  it('a NarHash mismatch still fails, leaving nothing staged', async () => {
    const tree = await makeTree();
    const info = { ...(await localInfo(tree)), narHash: `sha256:${'1'.repeat(52)}` };
    const staging = await tempDir('narwhal-stage-');
    await expect(stageNar(info, staging, { compression: 'none', writeNarListing: true })).rejects.toMatchObject({ code: 'bad-format' });
    expect(await readdir(staging)).toEqual([]);
  });
});

describe('stageNar into a folder cache', () => {
  it('stages under a temporary name the folder does not list, then uploadStaged renames it into place; a cancel leaves nothing', async () => {
    const tree = await makeTree();
    const info = await localInfo(tree);
    const store = new FileStore(await tempDir('narwhal-stage-cache-'));
    const file = await store.temporaryFile('nar', 'out');
    const staged = await stageNar(info, '', { compression: 'zstd', file, mode: 0o644, sync: true, writeNarListing: true });
    expect(staged.file).toBe(file);
    const listed = async () => {
      const keys: string[] = [];
      for await (const page of store.list()) keys.push(...page.map((o) => o.key));
      return keys;
    };
    expect(await listed()).toEqual([]);
    const { url } = await uploadStaged(store, '/nix/store/00000000000000000000000000000000-out', staged, 'zstd', undefined);
    expect(await listed()).toEqual(['00000000000000000000000000000000.ls', url].sort());
    const bytes = readFileSync(join(store.root, url));
    expect(bytes.length).toBe(staged.fileSize);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(Buffer.from(staged.fileHash.bytes).toString('hex'));
    expect(statSync(join(store.root, url)).mode & 0o777).toBe(0o644);

    const controller = new AbortController();
    const second = await store.temporaryFile('nar', 'out');
    const staging = stageNar(info, '', { compression: 'zstd', file: second, sync: true, signal: controller.signal, onNarBytes: () => controller.abort(new Error('stop')) });
    await expect(staging).rejects.toMatchObject({ name: 'AbortError' });
    // The worker removes its file once it handles the abort, just after the main side gave up.
    for (let i = 0; i < 50 && existsSync(second); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(join(store.root, 'nar'))).toEqual([url.slice('nar/'.length)]);
  });
});

describe('ListingTap', () => {
  const sample = nar('nix-archive-1', ...nodeTokens({ type: 'directory', entries: [['a', { type: 'regular', contents: 'hello' }], ['b', { type: 'symlink', target: 'a' }]] }));

  it('lists a NAR handed over in small chunks, keeping at most maxQueued chunks waiting', async () => {
    const tap = new ListingTap(2);
    let maxWaiting = 0;
    let written = 0;
    for (let i = 0; i < sample.length; i += 3) {
      const pending = tap.write(sample.subarray(i, i + 3));
      written += 1;
      // The writer is held back only while more than maxQueued chunks wait for the parser.
      maxWaiting = Math.max(maxWaiting, tap.queued);
      await pending;
      expect(tap.queued).toBeLessThanOrEqual(2);
    }
    tap.end();
    expect(written).toBeGreaterThan(10);
    expect(maxWaiting).toBeLessThanOrEqual(3);
    expect(await tap.listing).toEqual(await buildNarListing([sample]));
  });

  it('rejects a NAR that ends early, and a writer never waits on a parser that stopped', async () => {
    const tap = new ListingTap(1);
    await tap.write(sample.subarray(0, 40));
    tap.end();
    await expect(tap.listing).rejects.toThrow(NarError);

    const garbage = new ListingTap(1);
    await garbage.write(new Uint8Array(64)); // not a NAR: the parser fails at once
    await expect(garbage.listing).rejects.toThrow(NarError);
    for (let i = 0; i < 5; i++) await garbage.write(new Uint8Array(64));
    garbage.end();
  });
});
