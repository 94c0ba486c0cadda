import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const nix32 = Buffer.from('0123456789abcdfghijklmnpqrsvwxyz', 'latin1');

/** `count` strings of `length` nix32 characters, made from one buffer of random bytes (fast enough for 100 000). */
function nix32Strings(count: number, length: number): string[] {
  const bytes = randomBytes(count * length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = nix32[bytes[i]! & 31]!;
  const text = bytes.toString('latin1');
  return Array.from({ length: count }, (_, i) => text.slice(i * length, (i + 1) * length));
}

export interface SyntheticPath {
  hash: string;
  name: string;
}

export interface SyntheticCache {
  dir: string;
  storeUrl: string;
  /** In key (hash) order, which is the order a folder cache lists them in. */
  paths: SyntheticPath[];
  /** Hashes whose narinfo was written broken on purpose. */
  broken: string[];
}

/**
 * A parent folder for big fixtures: tmpfs when the machine has one, because 100 000 small files take
 * seconds on a disk and a fraction of that in memory.
 */
export function fastTmpRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

/**
 * A folder cache of `count` narinfos that look like what Nix writes (no NARs: listing and names need
 * only the narinfos). The first `broken` of them (by creation) have a narinfo that does not parse, to
 * show per-row errors. Names are `<prefix>-<n>`.
 */
export function writeSyntheticCache(dir: string, count: number, opts: { broken?: number; prefix?: string; signedBy?: string } = {}): SyntheticCache {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n');

  const hashes = [...new Set(nix32Strings(count + 16, 32))].slice(0, count);
  if (hashes.length < count) throw new Error('random hashes collided; try again');
  // NAR and file hashes need only look right; a small pool keeps generation quick. A sha256 in 52
  // nix32 characters has 4 spare bits, all in the first character, which must therefore be 0 or 1.
  const pool = nix32Strings(256, 52).map((h, i) => `${i % 2}${h.slice(1)}`);
  const paths = hashes.map((hash, i) => ({ hash, name: `${opts.prefix ?? 'synthetic'}-${i + 1}` }));
  const broken = paths.slice(0, opts.broken ?? 0).map((p) => p.hash);

  paths.forEach((p, i) => {
    let text =
      i < broken.length
        ? `StorePath: /nix/store/${p.hash}-${p.name}\nURL: nar/${pool[i % 256]}.nar.xz\n`
        : `StorePath: /nix/store/${p.hash}-${p.name}\nURL: nar/${pool[i % 256]}.nar.xz\nCompression: xz\nFileHash: sha256:${pool[(i + 1) % 256]}\nFileSize: ${1000 + (i % 9000)}\nNarHash: sha256:${pool[(i + 2) % 256]}\nNarSize: ${4000 + (i % 90000)}\nReferences: \n`;
    // With `signedBy`, nine in ten carry a Sig line of that key name (a made-up signature: what is shown is who signed).
    if (opts.signedBy && i >= broken.length && i % 10 !== 9) text += `Sig: ${opts.signedBy}:${pool[(i + 3) % 256]!.slice(0, 43)}${pool[(i + 4) % 256]!.slice(0, 43)}==\n`;
    // Synchronous on purpose: for many tiny files it is several times faster than queueing promises.
    writeFileSync(path.join(dir, `${p.hash}.narinfo`), text);
  });
  paths.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return { dir, storeUrl: `file://${dir}`, paths, broken };
}
