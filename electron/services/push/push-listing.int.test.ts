import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecretKey } from '../../../shared/nix/keys';
import { buildFixtureClosure, nixCopyToFile, nixEnv, run } from '../../../scripts/testbed/nix';
import { pathInfo } from '../local-store/path-info';
import type { CacheStore } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { pushClosure } from './push';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function folderCache(): Promise<{ dir: string; store: FileStore }> {
  const dir = await tempDir('narwhal-push-ls-');
  const store = new FileStore(dir);
  await store.put('nix-cache-info', 'StoreDir: /nix/store\n', 'text/x-nix-cache-info');
  return { dir, store };
}

/**
 * Store paths whose listings exercise what a `.ls` can get wrong: names Nix 2.8 copies into the JSON
 * as raw bytes (invalid UTF-8), names that need escaping (quote, backslash, control characters),
 * byte order that is not JS string order, a file spanning several 1 MiB NAR chunks (narOffsets after
 * it), an empty file and directory, and a path that is a single executable file.
 */
async function oddPaths(): Promise<string[]> {
  const tmp = await tempDir('narwhal-ls-tree-');
  const nonce = randomBytes(8).toString('hex');
  const root = join(tmp, 'tree');
  const at = (...names: Array<string | number[]>) => Buffer.concat([Buffer.from(root), ...names.map((n) => Buffer.concat([Buffer.from('/'), Buffer.from(n as string)]))]);
  await mkdir(join(root, 'sub', 'deeper'), { recursive: true });
  await mkdir(join(root, 'emptydir'));
  await writeFile(join(root, 'nonce'), nonce);
  await writeFile(join(root, 'empty'), '');
  await writeFile(join(root, 'sub', 'deeper', 'file'), 'deep');
  await writeFile(join(root, 'big'), randomBytes(2.5 * 2 ** 20));
  await writeFile(join(root, 'exec'), '#!/bin/sh\n');
  await chmod(join(root, 'exec'), 0o755);
  for (const name of ['quote"', 'back\\slash', 'tab\t', 'ctl\u0001\u001f', 'new\nline', 'del\u007f', '\uE000', '\u{1F600}', 'café', 'Z', 'a']) {
    await writeFile(join(root, name), name);
  }
  await writeFile(at([0x6f, 0x64, 0x64, 0xff]), 'odd');
  await writeFile(at([0xc3, 0x28]), 'bad utf-8');
  await symlink(Buffer.from([0x74, 0xff, 0x2f, 0x78]), at('odd-target'));
  await symlink('sub/deeper/file', join(root, 'rel-link'));
  const single = join(tmp, 'script');
  await writeFile(single, `#!/bin/sh\necho ${nonce}\n`);
  await chmod(single, 0o755);
  const added = await run('nix-store', ['--add', root, single], { env: nixEnv() });
  return added.trim().split('\n');
}

/** Records the order of the keys a store is asked to write (by put, or by adopting a staged file). */
function recordingPuts(store: CacheStore): { store: CacheStore; keys: string[] } {
  const keys: string[] = [];
  const recording = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'put') {
        return (key: string, ...rest: unknown[]) => {
          keys.push(key);
          return (target.put as (...args: unknown[]) => Promise<void>).call(target, key, ...rest);
        };
      }
      // A folder cache's NARs are staged in the folder and renamed into place: adopt(file, key).
      if (prop === 'adopt' && target instanceof FileStore) {
        return (file: string, key: string, ...rest: unknown[]) => {
          keys.push(key);
          return (target.adopt as (...args: unknown[]) => Promise<void>).call(target, file, key, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: recording, keys };
}

const listings = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.ls')).sort();

// Nix is the oracle: `nix copy --to 'file://…?write-nar-listing=1'` of the same paths writes the
// listings we must match, byte for byte (uncompressed, compact JSON, no newline).
describe('pushClosure with writeNarListing', () => {
  const key = generateSecretKey('narwhal-ls-test-1');

  it('writes <hash>.ls next to each narinfo, byte-identical to what Nix 2.8 writes, after the NAR and before the narinfo', async () => {
    const fixture = await buildFixtureClosure('push-ls');
    const roots = [fixture.top, ...(await oddPaths())];
    const closure = await pathInfo(roots, { recursive: true });
    expect(closure.length).toBe(5);

    const ours = await folderCache();
    const { store, keys } = recordingPuts(ours.store);
    await pushClosure({ store, closure, presentHashes: new Set(), compression: 'zstd', signingKey: key, writeNarListing: true });

    const theirs = await tempDir('narwhal-nix-ls-');
    await nixCopyToFile(theirs, roots, { compression: 'none', params: { 'write-nar-listing': '1' } });

    const hashes = closure.map((info) => info.path.slice('/nix/store/'.length, '/nix/store/'.length + 32)).sort();
    expect(await listings(ours.dir)).toEqual(hashes.map((hash) => `${hash}.ls`));
    expect(await listings(theirs)).toEqual(hashes.map((hash) => `${hash}.ls`));
    for (const hash of hashes) {
      const mine = await readFile(join(ours.dir, `${hash}.ls`));
      const nix = await readFile(join(theirs, `${hash}.ls`));
      expect(mine.toString('latin1'), `${hash}.ls`).toBe(nix.toString('latin1'));
      expect(mine.equals(nix)).toBe(true);

      // The narinfo is the commit point: the listing is there before it, and after the NAR.
      const listingAt = keys.indexOf(`${hash}.ls`);
      const narinfoAt = keys.indexOf(`${hash}.narinfo`);
      const narinfo = await readFile(join(ours.dir, `${hash}.narinfo`), 'utf8');
      const narAt = keys.indexOf(/^URL: (.*)$/m.exec(narinfo)![1]!);
      expect(narAt).toBeGreaterThanOrEqual(0);
      expect(listingAt).toBeGreaterThan(narAt);
      expect(narinfoAt).toBeGreaterThan(listingAt);
    }
  });

  it('writes no listing when not asked', async () => {
    const fixture = await buildFixtureClosure('push-no-ls');
    const closure = await pathInfo([fixture.top], { recursive: true });
    const { dir, store } = await folderCache();
    const summary = await pushClosure({ store, closure, presentHashes: new Set(), compression: 'none', signingKey: key });
    expect(summary.pushed).toBe(3);
    expect((await readdir(dir)).filter((name) => name.endsWith('.narinfo'))).toHaveLength(3);
    expect(await listings(dir)).toEqual([]);
  });
});
