// A store-shaped folder for unit tests of the file-system parts (roots, search, resolving typed
// paths): entries named like store paths, and profile links into them. No Nix involved; the
// integration test does the same against the real /nix/store.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeNix32 } from '../../../shared/nix/nix32';

export interface FakeStore {
  root: string;
  storeDir: string;
  /** Makes `<storeDir>/<hash>-<name>` (a folder with bin/<name>) and returns its full path. */
  add(name: string): Promise<string>;
}

let counter = 0;

/** A distinct, valid 32-character hash part per call. */
export function fakeHash(): string {
  const bytes = new Uint8Array(20);
  let n = ++counter;
  for (let i = 0; i < bytes.length && n > 0; i++, n = Math.floor(n / 256)) bytes[i] = n % 256;
  bytes[19] = 0x5a;
  return encodeNix32(bytes);
}

export async function makeFakeStore(): Promise<FakeStore> {
  const root = await mkdtemp(path.join(tmpdir(), 'narwhal-fakestore-'));
  const storeDir = path.join(root, 'nix/store');
  await mkdir(storeDir, { recursive: true });
  return {
    root,
    storeDir,
    async add(name: string) {
      const p = path.join(storeDir, `${fakeHash()}-${name}`);
      if (name.endsWith('.drv') || name.endsWith('.lock')) await writeFile(p, '');
      else {
        await mkdir(path.join(p, 'bin'), { recursive: true });
        await writeFile(path.join(p, 'bin', name), '#!/bin/sh\n');
      }
      return p;
    },
  };
}

export { symlink };
