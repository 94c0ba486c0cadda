import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPublicKey, generateSecretKey } from '../../../shared/nix/keys';
import { buildFixtureClosure, nixCopyFromHttp } from '../../../scripts/testbed/nix';
import { pathInfo } from '../local-store/path-info';
import { listPathHashes } from '../browse/list-paths';
import { FileStore } from '../stores/file-store';
import type { CompressionMethod } from '../../../shared/push/compression';
import { pushClosure } from './push';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folderCache(): Promise<{ dir: string; store: FileStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'narwhal-push-'));
  dirs.push(dir);
  const store = new FileStore(dir);
  await store.put('nix-cache-info', 'StoreDir: /nix/store\n', 'text/x-nix-cache-info');
  return { dir, store };
}

// Nix is the oracle: what we push must be substitutable by `nix copy --from` into a fresh store,
// trusting only our key and requiring signatures.
describe('pushClosure to a folder cache, substituted by Nix', () => {
  const key = generateSecretKey('narwhal-push-test-1');
  const other = generateSecretKey('someone-else-1');

  it.each<CompressionMethod>(['xz', 'zstd', 'bzip2', 'gzip', 'none'])('%s: Nix substitutes the whole closure with our key trusted, and refuses it with another key', async (compression) => {
    const fixture = await buildFixtureClosure(`push-${compression}`);
    const closure = await pathInfo([fixture.top], { recursive: true });
    expect(closure.map((i) => i.path).sort()).toEqual([...fixture.all].sort());
    const { dir, store } = await folderCache();

    const progress: number[] = [];
    const summary = await pushClosure({ store, closure, presentHashes: new Set(), compression, signingKey: key, onProgress: (p) => progress.push(p.pathsDone) });
    expect(summary).toMatchObject({ pushed: 3, skipped: 0 });
    expect(progress.at(-1)).toBe(3);
    const nars = await readdir(join(dir, 'nar'));
    expect(nars).toHaveLength(3);
    // Named as Nix names them: gzip, like none, gets no extension.
    const extension = { xz: '.nar.xz', zstd: '.nar.zst', bzip2: '.nar.bz2', gzip: '.nar', none: '.nar' }[compression];
    // nar/<FileHash in nix32>.nar<ext>, exactly Nix's names (no "sha256:" in the key).
    expect(nars.every((name) => new RegExp(`^[0-9a-df-np-sv-z]{52}${extension.replace(/\./g, '\\.')}$`).test(name))).toBe(true);

    const ours = await nixCopyFromHttp(`file://${dir}`, fixture.top, formatPublicKey(key.publicKey));
    expect(ours.ok, ours.stderr).toBe(true);
    const theirs = await nixCopyFromHttp(`file://${dir}`, fixture.top, formatPublicKey(other.publicKey));
    expect(theirs.ok).toBe(false);
    expect(theirs.stderr).toMatch(/lacks a valid signature/);
  });

  it('a second push of the same closure skips it all, learning what is there from one listing', async () => {
    const fixture = await buildFixtureClosure('push-again');
    const closure = await pathInfo([fixture.top], { recursive: true });
    const { store } = await folderCache();
    await pushClosure({ store, closure, presentHashes: new Set(), compression: 'gzip', signingKey: key });
    const present = new Set((await listPathHashes(store)).map((e) => e.hash));
    const again = await pushClosure({ store, closure, presentHashes: present, compression: 'gzip', signingKey: key });
    expect(again).toMatchObject({ pushed: 0, skipped: 3 });
  });

  it('refuses a path whose NAR is not what the store recorded, writing no narinfo', async () => {
    const fixture = await buildFixtureClosure('push-mismatch');
    const closure = await pathInfo([fixture.top], { recursive: true });
    const leaf = closure.find((i) => i.path === fixture.all[0])!;
    const tampered = closure.map((i) => (i === leaf ? { ...i, narHash: `sha256:${'1'.repeat(52)}` } : i));
    const { dir, store } = await folderCache();
    await expect(pushClosure({ store, closure: tampered, presentHashes: new Set(), compression: 'none', signingKey: key, jobs: 1 })).rejects.toMatchObject({
      code: 'bad-format',
      message: expect.stringContaining(`${leaf.path} is not what the local store recorded`),
    });
    const narinfos = (await readdir(dir)).filter((name) => name.endsWith('.narinfo'));
    // The leaf is pushed first (everything refers to it), so nothing may have a narinfo.
    expect(narinfos).toEqual([]);
  });
});
