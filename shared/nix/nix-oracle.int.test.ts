/**
 * The formats of shared/nix against the real Nix (Debian's nix-bin, 2.8): keys Nix makes parse and
 * give the public key Nix gives (and the other way round), signatures `nix store sign` makes verify
 * here and are reproduced byte for byte, `nix store verify` accepts narinfos signed here, and every
 * narinfo `nix copy` writes re-serialises byte for byte.
 *
 * Node is loaded dynamically: shared/ is also type-checked by the renderer's tsconfig, which has no
 * Node types, so this file names no Node module statically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHash } from './hash';
import {
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  parsePublicKey,
  parseSecretKey,
  publicKeyOf,
  type SecretKey,
} from './keys';
import { narinfoKey, parseNarinfo, serialiseNarinfo, type Narinfo } from './narinfo';
import { parseNixCacheInfo } from './nix-cache-info';
import { fingerprint, signNarinfo, verifyNarinfo, type SignedInfo } from './signature';
import { basenameOf } from './store-path';

interface SpawnResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}
interface NodeApis {
  spawnSync(cmd: string, args: string[], opts: { env: Record<string, string | undefined>; input?: string; encoding: 'utf8'; cwd?: string; maxBuffer?: number }): SpawnResult;
  mkdtempSync(prefix: string): string;
  writeFileSync(path: string, data: string): void;
  readFileSync(path: string, encoding: 'utf8'): string;
  readdirSync(path: string): string[];
  rmSync(path: string, opts: { recursive: boolean; force: boolean }): void;
  tmpdir(): string;
  randomUUID(): string;
}

async function loadNode(): Promise<NodeApis> {
  const load = (m: string) => import(/* @vite-ignore */ m) as Promise<Record<string, never>>;
  const [cp, fs, os, crypto] = await Promise.all([load('node:child_process'), load('node:fs'), load('node:os'), load('node:crypto')]);
  return { ...cp, ...fs, ...os, ...crypto } as unknown as NodeApis;
}

let node: NodeApis;
let tmp: string;
const env = { ...(globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env, NIX_REMOTE: 'local' };
const NIX_OPTS = ['--option', 'build-users-group', '', '--option', 'substituters', ''];

/** Runs a command; returns stdout, or throws with stderr (minus Nix's noise about nixbld). */
function run(cmd: string, args: string[], input?: string): string {
  const r = tryRun(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function tryRun(cmd: string, args: string[], input?: string): SpawnResult {
  const r = node.spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...(input !== undefined ? { input } : {}) });
  if (r.error) throw r.error;
  return { ...r, stderr: r.stderr.split('\n').filter((l) => l && !l.includes("group 'nixbld'")).join('\n') };
}

const nix = (...args: string[]) => run('nix', ['--extra-experimental-features', 'nix-command', ...NIX_OPTS, ...args]);
const tryNix = (...args: string[]) => tryRun('nix', ['--extra-experimental-features', 'nix-command', ...NIX_OPTS, ...args]);

/** `nix path-info --json` in any of its shapes (array up to 2.18, object keyed by path from 2.19). */
function pathInfo(path: string): SignedInfo & { deriver?: string; ca?: string } {
  const json = JSON.parse(nix('path-info', '--json', '--sigs', path)) as unknown;
  type Entry = { path?: string; narHash: string; narSize: number; references: string[]; signatures?: string[]; deriver?: string | null; ca?: string | null };
  const entry: Entry | undefined = Array.isArray(json)
    ? (json as Entry[]).find((e) => e.path === path)
    : (json as Record<string, Entry>)[path];
  if (!entry) throw new Error(`no path-info for ${path}`);
  return {
    storePath: path,
    narHash: parseHash(entry.narHash, 'sha256'),
    narSize: entry.narSize,
    references: entry.references,
    sigs: entry.signatures ?? [],
    ...(entry.deriver ? { deriver: entry.deriver } : {}),
    ...(entry.ca ? { ca: entry.ca } : {}),
  };
}

function writeKey(name: string, text: string): string {
  const file = `${tmp}/${name}`;
  node.writeFileSync(file, text);
  return file;
}

/** The narinfos of a file:// cache, by file name. */
function narinfos(dir: string): Map<string, string> {
  return new Map(
    node
      .readdirSync(dir)
      .filter((f) => f.endsWith('.narinfo'))
      .map((f) => [f, node.readFileSync(`${dir}/${f}`, 'utf8')]),
  );
}

/** A fresh closure of three input-addressed paths (top → mid → leaf, top → leaf) with derivers. */
let top: string;
let closure: string[];
/** A fresh path added with `nix-store --add` (content-addressed, no references). */
let added: string;

beforeAll(async () => {
  node = await loadNode();
  tmp = node.mkdtempSync(`${node.tmpdir()}/narwhal-nix-oracle-`);
  const nonce = node.randomUUID();
  node.writeFileSync(
    `${tmp}/closure.nix`,
    `let
  mk = name: script: derivation {
    inherit name;
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" script ];
    nonce = "${nonce}";
  };
  leaf = mk "oracle-leaf" "/bin/mkdir $out; echo leaf > $out/file";
  mid = mk "oracle-mid" "/bin/mkdir $out; echo \${leaf} > $out/ref";
in mk "oracle-top" "/bin/mkdir $out; echo \${mid} \${leaf} > $out/refs; /bin/ln -s \${mid} $out/link"
`,
  );
  top = run('nix-build', [`${tmp}/closure.nix`, '--no-out-link', '--option', 'sandbox', 'false', ...NIX_OPTS]).trim();
  closure = nix('path-info', '-r', top).trim().split('\n');
  expect(closure).toHaveLength(3);
  node.writeFileSync(`${tmp}/added.txt`, `added ${nonce}\n`);
  added = run('nix-store', ['--add', `${tmp}/added.txt`]).trim();
});

afterAll(() => {
  if (tmp) node.rmSync(tmp, { recursive: true, force: true });
});

describe('keys against nix key', () => {
  it('parses a key Nix generated and derives the public key Nix derives', () => {
    const text = nix('key', 'generate-secret', '--key-name', 'oracle.example.org-1');
    expect(text.endsWith('\n')).toBe(false);
    const secret = parseSecretKey(text);
    expect(secret.name).toBe('oracle.example.org-1');
    expect(formatSecretKey(secret)).toBe(text);
    const nixPublic = run('nix', ['--extra-experimental-features', 'nix-command', 'key', 'convert-secret-to-public'], text);
    expect(formatPublicKey(publicKeyOf(secret))).toBe(nixPublic.trim());
    expect(parsePublicKey(nixPublic).bytes).toEqual(secret.publicKey.bytes);
  });

  it('makes keys whose public half Nix derives the same way', () => {
    for (let i = 0; i < 5; i++) {
      const secret = generateSecretKey(`narwhal.example.org-${i}`);
      const nixPublic = run('nix', ['--extra-experimental-features', 'nix-command', 'key', 'convert-secret-to-public'], formatSecretKey(secret));
      expect(nixPublic.trim()).toBe(formatPublicKey(secret.publicKey));
    }
  });
});

describe('signatures against nix store sign / nix store verify', () => {
  let ours: SecretKey;
  beforeAll(() => {
    ours = generateSecretKey('narwhal-oracle-1');
  });

  it('verifies and reproduces signatures `nix store sign` made with our key and with a Nix key', () => {
    const nixKeyText = nix('key', 'generate-secret', '--key-name', 'nix-made-1');
    const nixKey = parseSecretKey(nixKeyText);
    nix('store', 'sign', '--key-file', writeKey('ours.sk', formatSecretKey(ours)), added);
    nix('store', 'sign', '--key-file', writeKey('nix.sk', nixKeyText), '-r', top);
    for (const [path, key] of [[added, ours], ...closure.map((p) => [p, nixKey] as const)] as const) {
      const info = pathInfo(path);
      const sig = info.sigs.find((s) => s.startsWith(`${key.name}:`));
      expect(sig, `signature by ${key.name} on ${path}`).toBeDefined();
      expect(signNarinfo(info, key)).toBe(sig);
      const verdict = verifyNarinfo(info, [key.publicKey]);
      expect(verdict).toMatchObject({ status: 'valid', keyName: key.name });
      expect(verifyNarinfo(info, [{ name: key.name, bytes: generateSecretKey('x').publicKey.bytes }]).status).toBe('invalid');
    }
  });

  it('`nix store verify` accepts a cache whose narinfos we signed, and refuses it with another key', () => {
    const cache = `${tmp}/resigned`;
    nix('copy', '--to', `file://${cache}`, top);
    const files = narinfos(cache);
    expect([...files.keys()].sort()).toEqual(closure.map((p) => narinfoKey(p)).sort());
    for (const [file, text] of files) {
      const info = parseNarinfo(text, { source: file });
      // Copied without a secret key (any signatures come from the local store): replace them with ours.
      const signed: Narinfo = { ...info, sigs: [signNarinfo(info, ours)] };
      expect(verifyNarinfo(signed, [ours.publicKey]).status).toBe('valid');
      node.writeFileSync(`${cache}/${file}`, serialiseNarinfo(signed));
    }
    const verify = (pub: string) =>
      tryNix('store', 'verify', '--store', `file://${cache}`, '--sigs-needed', '1', '--option', 'trusted-public-keys', pub, '--option', 'narinfo-cache-positive-ttl', '0', '-r', top);
    const ok = verify(formatPublicKey(ours.publicKey));
    expect(ok.stderr).not.toMatch(/untrusted|lacks|error/i);
    expect(ok.status, ok.stderr).toBe(0);
    const other = verify(formatPublicKey(generateSecretKey('narwhal-oracle-1').publicKey));
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/untrusted/);
  });

  it('`nix store verify` refuses a narinfo whose signature no longer matches', () => {
    const cache = `${tmp}/tampered`;
    nix('copy', '--to', `file://${cache}`, top);
    const file = narinfoKey(top);
    const info = parseNarinfo(node.readFileSync(`${cache}/${file}`, 'utf8'));
    const sig = signNarinfo({ ...info, references: info.references.slice(1) }, ours); // signs something else
    node.writeFileSync(`${cache}/${file}`, serialiseNarinfo({ ...info, sigs: [sig] }));
    expect(verifyNarinfo({ ...info, sigs: [sig] }, [ours.publicKey]).status).toBe('invalid');
    const r = tryNix('store', 'verify', '--store', `file://${cache}`, '--sigs-needed', '1', '--option', 'trusted-public-keys', formatPublicKey(ours.publicKey), top);
    expect(r.status).not.toBe(0);
  });
});

describe('narinfos written by nix copy', () => {
  let nixKeyText: string;
  beforeAll(() => {
    nixKeyText = nix('key', 'generate-secret', '--key-name', 'copy-key-1');
  });

  it.each(['xz', 'zstd', 'none', 'bzip2', undefined])('re-serialise byte for byte (compression=%s)', (compression) => {
    const cache = `${tmp}/copy-${compression ?? 'default'}`;
    const params = [compression ? `compression=${compression}` : '', `secret-key=${writeKey('copy.sk', nixKeyText)}`].filter(Boolean).join('&');
    nix('copy', '--to', `file://${cache}?${params}`, top, added);
    expect(parseNixCacheInfo(node.readFileSync(`${cache}/nix-cache-info`, 'utf8')).storeDir).toBe('/nix/store');
    const files = narinfos(cache);
    expect(files.size).toBe(4);
    const nixPub = parsePublicKey(run('nix', ['--extra-experimental-features', 'nix-command', 'key', 'convert-secret-to-public'], nixKeyText));
    let sawReferences = false;
    let sawDeriver = false;
    let sawCa = false;
    for (const [file, text] of files) {
      const info = parseNarinfo(text, { source: file });
      expect(serialiseNarinfo(info)).toBe(text);
      expect(serialiseNarinfo(info, { unknownFields: 'drop' })).toBe(text);
      expect(narinfoKey(info.storePath)).toBe(file);
      expect(info.compression).toBe(compression ?? 'xz');
      expect(info.url.startsWith('nar/')).toBe(true);
      expect(verifyNarinfo(info, [nixPub])).toMatchObject({ status: 'valid', keyName: 'copy-key-1' });
      // The same fingerprint as from `nix path-info`.
      const local = pathInfo(info.storePath);
      expect(fingerprint(info)).toBe(fingerprint(local));
      expect(info.references.map((r) => `/nix/store/${r}`).sort()).toEqual([...local.references].sort());
      if (local.deriver) expect(info.deriver).toBe(basenameOf(local.deriver));
      if (local.ca) expect(info.ca).toBe(local.ca);
      sawReferences ||= info.references.length > 0;
      sawDeriver ||= info.deriver !== undefined;
      sawCa ||= info.ca !== undefined;
    }
    expect([sawReferences, sawDeriver, sawCa]).toEqual([true, true, true]);
  });
});
