import { createHash } from 'node:crypto';
import { serialiseNarinfo } from '../../../shared/nix/narinfo';
import { encodeNix32 } from '../../../shared/nix/nix32';
import type { IndexedPath } from './index-db';
import { hashToNix32 } from '../../../shared/nix/hash';
import { syntheticHash } from './synthetic-narinfos';

/**
 * A made-up cache shaped like a real one, for the Stats screen's end-to-end test and the memory
 * benchmark: package-like names, NAR sizes spread over seven orders of magnitude, xz/zstd/none with
 * plausible ratios, two signing keys and some unsigned paths, narinfos written over weeks, and
 * references that look like Nix's: a core most paths refer to (a libc, compilers), a few recent paths
 * of the same build, and now and then a "system" path that refers to hundreds. Deterministic for a seed.
 */

export interface SyntheticIndexOptions {
  seed?: string;
  /** ms since the epoch of the first and last narinfo. */
  from: number;
  to: number;
}

const packages = [
  'glibc', 'gcc', 'bash', 'coreutils', 'openssl', 'zlib', 'xz', 'zstd', 'python3', 'perl', 'nodejs', 'rustc', 'go', 'llvm', 'clang', 'curl', 'git', 'sqlite',
  'libffi', 'ncurses', 'readline', 'gnused', 'gnugrep', 'gawk', 'findutils', 'diffutils', 'systemd', 'linux', 'firefox', 'ghc', 'openjdk', 'postgresql',
  'nginx', 'libxml2', 'icu', 'boost', 'qtbase', 'gtk3', 'mesa', 'ffmpeg', 'imagemagick', 'texlive-combined', 'emacs', 'vim', 'neovim', 'tmux', 'htop', 'jq',
  'ripgrep', 'fd', 'bat', 'docker', 'terraform', 'kubectl', 'helm', 'awscli2', 'nix', 'cargo', 'cmake', 'meson', 'ninja', 'pkg-config',
];
const outputs = ['', '', '', '', '-lib', '-dev', '-man', '-doc', '-bin'];

/** A small fast PRNG (mulberry32), so a seed gives the same cache every time. */
function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paths 0 ..< core are the core most packages refer to. */
const coreSize = (count: number) => Math.min(300, Math.max(5, Math.floor(count / 20)));

export interface SyntheticPathSpec {
  i: number;
  hash: string;
  name: string;
  narSize: number;
  fileSize: number;
  compression: 'xz' | 'zstd' | 'none';
  references: number[];
  sigs: string[];
  lastModified: number;
}

/** Path `i` of a cache of `count` (its references are earlier paths only, as in a real cache). */
export function syntheticPathSpec(i: number, count: number, options: SyntheticIndexOptions): SyntheticPathSpec {
  const seed = options.seed ?? 'narwhal-stats';
  const random = prng(`${seed}/${i}`);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const pkg = pick(packages);
  const name = `${pkg}-${1 + Math.floor(random() * 4)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}${pick(outputs)}`;
  // Log-normal NAR sizes around 300 kB (a Box–Muller normal), from 120 B to 4 GB.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const narSize = Math.round(Math.min(4e9, Math.max(120, Math.exp(Math.log(300_000) + 2.3 * normal))));
  const roll = random();
  const compression = roll < 0.7 ? 'xz' : roll < 0.95 ? 'zstd' : 'none';
  const ratio = compression === 'xz' ? 2.5 + 2 * random() : compression === 'zstd' ? 2 + 1.6 * random() : 1;
  const core = coreSize(count);
  const references = new Set<number>();
  if (i > 0) {
    const system = i >= core && i % 5000 === 4999;
    const wanted = system ? 200 : Math.floor(random() * 6);
    for (let k = 0; k < wanted; k++) {
      // Mostly the core; a quarter of references go to one of the 50 paths before (the same build).
      const r = system ? Math.floor(random() * i) : random() < 0.75 || i <= core ? Math.floor(random() * Math.min(i, core)) : i - 1 - Math.floor(random() * Math.min(50, i - core));
      references.add(r);
    }
  }
  const sigs: string[] = [];
  const sig = (key: string) => `${key}:${createHash('sha512').update(`${seed}/${key}/${i}`).digest('base64')}`;
  if (random() < 0.9) sigs.push(sig('cache.example.org-1'));
  if (random() < 0.35) sigs.push(sig('ci.example.org-2'));
  // More paths later than earlier: a cache grows.
  const lastModified = Math.round(options.from + (options.to - options.from) * Math.sqrt((i + random()) / count));
  return { i, hash: syntheticHash(i, seed), name, narSize, fileSize: Math.max(60, Math.round(narSize / ratio)), compression, references: [...references].sort((a, b) => a - b), sigs, lastModified };
}

const names = new Map<string, string>();
/** Path r's name, remembered: references name their targets, and the core is named over and over. */
function nameOf(r: number, count: number, options: SyntheticIndexOptions): string {
  const key = `${options.seed ?? ''}/${count}/${r}`;
  let name = names.get(key);
  if (name === undefined) {
    name = syntheticPathSpec(r, count, options).name;
    if (names.size > 100_000) names.clear();
    names.set(key, name);
  }
  return name;
}

/** The narinfo of a path spec, as Nix would write it, where its NAR is, and its hashes. */
export function syntheticPathNarinfo(spec: SyntheticPathSpec, options: SyntheticIndexOptions, count: number) {
  const seed = options.seed ?? 'narwhal-stats';
  const sha = (what: string) => ({ algo: 'sha256' as const, bytes: createHash('sha256').update(`${seed}/${what}/${spec.i}`).digest() });
  const fileHash = sha('file');
  const narHash = sha('nar');
  const url = `nar/${encodeNix32(fileHash.bytes)}.nar${spec.compression === 'none' ? '' : `.${spec.compression}`}`;
  // In the order Nix writes them (by base name).
  const references = spec.references.map((r) => `${syntheticHash(r, seed)}-${nameOf(r, count, options)}`).sort();
  const text = serialiseNarinfo({
    storePath: `/nix/store/${spec.hash}-${spec.name}`,
    url,
    compression: spec.compression,
    fileHash,
    fileSize: spec.fileSize,
    narHash,
    narSize: spec.narSize,
    references,
    sigs: spec.sigs,
    unknown: [],
  });
  return { key: `${spec.hash}.narinfo`, url, text, fileHash, narHash, references };
}

/**
 * Rows `from ..< to` of a synthetic index of `count` paths, as a refresh would write them (without
 * parsing the text again: a million rows are built for the benchmark). `etag` null is what a folder
 * cache lists; the keys' modification times are the specs'.
 */
export function syntheticIndexRows(from: number, to: number, count: number, options: SyntheticIndexOptions & { etag?: boolean }): IndexedPath[] {
  const rows: IndexedPath[] = [];
  for (let i = from; i < to; i++) {
    const spec = syntheticPathSpec(i, count, options);
    const { text, url, fileHash, narHash, references } = syntheticPathNarinfo(spec, options, count);
    rows.push({
      hash: spec.hash,
      etag: options.etag === false ? null : `"${spec.hash.slice(0, 16)}"`,
      lastModified: spec.lastModified,
      size: Buffer.byteLength(text),
      storePath: `/nix/store/${spec.hash}-${spec.name}`,
      name: spec.name,
      narSize: spec.narSize,
      fileSize: spec.fileSize,
      compression: spec.compression,
      url,
      narHash: hashToNix32(narHash),
      fileHash: hashToNix32(fileHash),
      references,
      deriver: null,
      sigs: spec.sigs,
      ca: null,
      raw: text,
      error: null,
    });
  }
  return rows;
}
