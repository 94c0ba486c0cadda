/**
 * NAR support against the real Nix (Debian's nix-bin, 2.8): our dump must be byte-identical to
 * `nix-store --dump`, our extraction of Nix's dump must re-dump identically, `nix-store --restore`
 * must accept ours, and our `.ls` listing must equal the one `nix copy` writes.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nixEnv } from '../../../scripts/testbed/nix';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import { extractNar } from './nar-extract';
import { buildNarListing } from './nar-listing';
import { type NarSource, validateNar } from './nar-reader';
import { type TreeNode, encodeTree, nar, sortTree, u64 } from './nar-test-util';
import { dumpPath } from './nar-writer';

const env = nixEnv();
const bigSize = 150 * 2 ** 20 + 3; // over 100 MB, and not a multiple of 8 so padding is exercised

let tmp: string;
let fixture: string;

interface Digest {
  sha256: string;
  length: number;
}

/** sha256 and length of a byte stream, without holding it. */
async function digest(source: NarSource): Promise<Digest> {
  const h = createHash('sha256');
  let length = 0;
  for await (const chunk of source) {
    h.update(chunk);
    length += chunk.length;
  }
  return { sha256: h.digest('hex'), length };
}

function waitExit(child: ChildProcess, what: string): Promise<void> {
  const stderr: Buffer[] = [];
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(stderr).toString().split('\n').filter((l) => l && !l.includes("group 'nixbld'")).join('\n');
      if (code === 0) resolve();
      else reject(new Error(`${what} exited with ${code}: ${text}`));
    });
  });
}

/** `nix-store --dump path` as a stream, checked for a clean exit. */
async function nixDumpDigest(p: string): Promise<Digest> {
  const child = spawn('nix-store', ['--dump', p], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const [d] = await Promise.all([digest(child.stdout!), waitExit(child, 'nix-store --dump')]);
  return d;
}

/** Feeds `source` to `nix-store --restore target`. */
async function nixRestore(source: NarSource, target: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const child = spawn('nix-store', ['--restore', target], { env, stdio: ['pipe', 'ignore', 'pipe'], ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}) });
  const exit = waitExit(child, 'nix-store --restore');
  await Promise.all([pipeline(source as AsyncIterable<Uint8Array>, child.stdin!).catch(() => {}), exit]);
}

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));
function join(dir: Buffer, name: string | number[]): Buffer {
  return Buffer.concat([dir, b('/'), b(name)]);
}

function pseudoRandom(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A tree with every kind of node and awkward name; the big sparse file only when asked. */
function makeTree(root: string, withBig: boolean): void {
  const r = b(root);
  fs.mkdirSync(r);
  fs.writeFileSync(join(r, 'regular'), 'just a file\n');
  fs.writeFileSync(join(r, 'exec'), '#!/bin/sh\necho hi\n');
  fs.chmodSync(join(r, 'exec'), 0o755);
  fs.writeFileSync(join(r, 'group-x-only'), 'x');
  fs.chmodSync(join(r, 'group-x-only'), 0o654);
  fs.writeFileSync(join(r, 'empty'), '');
  fs.writeFileSync(join(r, 'seven'), '1234567');
  // Deterministic, so `nix-store --add` of the small tree gives the same store path every run.
  fs.writeFileSync(join(r, 'medium'), pseudoRandom(3 * 2 ** 20 + 5));
  fs.mkdirSync(join(r, 'emptydir'));
  fs.mkdirSync(path.join(root, 'nested/b/c'), { recursive: true });
  fs.writeFileSync(path.join(root, 'nested/b/c/deep'), 'deep file');
  fs.symlinkSync('nested/b/c/deep', join(r, 'rel-link'));
  fs.symlinkSync('/etc/hostname', join(r, 'abs-link'));
  fs.symlinkSync('does-not-exist', join(r, 'dangling'));
  fs.symlinkSync(b([0x74, 0xff, 0x2f, 0x78]), join(r, 'odd-target'));
  // Byte order differs from JS (UTF-16) order: U+E000 < U+FB01 < U+1F600 in UTF-8, but U+1F600
  // (a surrogate pair, 0xD83D…) sorts first in UTF-16. Also case, digits and non-UTF-8 bytes.
  for (const name of ['\uE000', '\uFB01', '\u{1F600}', 'caf\u00e9', 'cafe\u0301', 'Z', 'a', 'A', 'z', '10', '9', '日本語', 'sp ace', 'new\nline']) {
    fs.writeFileSync(join(r, name), name);
  }
  for (const raw of [[0x6f, 0x64, 0x64, 0xff], [0x80], [0xe9], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
    fs.writeFileSync(join(r, raw), Buffer.from(raw));
  }
  const oddDir = join(r, [0xfe, 0x64, 0x69, 0x72]);
  fs.mkdirSync(oddDir);
  fs.writeFileSync(join(oddDir, [0xff]), 'inside odd dir');
  if (withBig) {
    // Sparse: some data at the start, in the middle and at the end, holes elsewhere.
    const fd = fs.openSync(join(r, 'big'), 'w');
    fs.writeSync(fd, randomBytes(2 ** 20), 0, 2 ** 20, 0);
    fs.writeSync(fd, randomBytes(2 ** 20), 0, 2 ** 20, 100 * 2 ** 20);
    fs.writeSync(fd, Buffer.from('end'), 0, 3, bigSize - 3);
    fs.closeSync(fd);
  }
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nar-int-'));
  fixture = path.join(tmp, 'fixture');
  makeTree(fixture, true);
  expect(fs.statSync(path.join(fixture, 'big')).size).toBe(bigSize);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('NAR against nix-store 2.8', () => {
  it('nix is installed', () => {
    expect(execFileSync('nix-store', ['--version'], { env }).toString()).toMatch(/^nix-store \(Nix\) 2\./);
  });

  it('our dump is byte-identical to nix-store --dump (with a 150 MiB sparse file)', async () => {
    const before = process.memoryUsage().rss;
    const ours = await digest(dumpPath(fixture));
    const grew = process.memoryUsage().rss - before;
    const theirs = await nixDumpDigest(fixture);
    expect(ours).toEqual(theirs);
    expect(ours.length).toBeGreaterThan(bigSize);
    // Streaming: memory does not grow with the 150 MiB file.
    expect(grew).toBeLessThan(64 * 2 ** 20);
  });

  it('single files and symlinks as roots match too', async () => {
    for (const p of ['exec', 'empty', 'rel-link', 'abs-link', 'medium']) {
      expect(await digest(dumpPath(path.join(fixture, p)))).toEqual(await nixDumpDigest(path.join(fixture, p)));
    }
  });

  it("our extract of Nix's dump re-dumps identically", async () => {
    const target = path.join(tmp, 'extracted');
    const child = spawn('nix-store', ['--dump', fixture], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [summary] = await Promise.all([extractNar(child.stdout!, target), waitExit(child, 'nix-store --dump')]);
    expect(summary.bytes).toBeGreaterThan(bigSize);
    expect(await nixDumpDigest(target)).toEqual(await nixDumpDigest(fixture));
    fs.rmSync(target, { recursive: true });
  });

  it('nix-store --restore accepts our dump', async () => {
    const target = path.join(tmp, 'restored');
    await nixRestore(dumpPath(fixture), target);
    expect(await digest(dumpPath(target))).toEqual(await nixDumpDigest(fixture));
    fs.rmSync(target, { recursive: true });
  });

  it('our reader accepts what Nix dumps', async () => {
    const child = spawn('nix-store', ['--dump', fixture], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await Promise.all([validateNar(child.stdout!), waitExit(child, 'nix-store --dump')]);
  });

  it('our .ls listing and NAR equal what nix copy writes (write-nar-listing=true)', async () => {
    const small = path.join(tmp, 'small');
    makeTree(small, false);
    const storePath = execFileSync('nix-store', ['--add', small], { env, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const cache = path.join(tmp, 'cache');
    execFileSync(
      'nix',
      ['copy', '--to', `file://${cache}?write-nar-listing=true&compression=none`, storePath],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const hashPart = path.basename(storePath).slice(0, 32);
    const nixListing = fs.readFileSync(path.join(cache, `${hashPart}.ls`));
    const ourListing = Buffer.from(encodeNarListing(await buildNarListing(dumpPath(storePath))));
    expect(ourListing.toString('latin1')).toBe(nixListing.toString('latin1'));
    expect(ourListing.equals(nixListing)).toBe(true);

    const narinfo = fs.readFileSync(path.join(cache, `${hashPart}.narinfo`), 'utf8');
    const url = /^URL: (.*)$/m.exec(narinfo)![1]!;
    const narSize = Number(/^NarSize: (\d+)$/m.exec(narinfo)![1]);
    const cached = fs.readFileSync(path.join(cache, url));
    const ours = await digest(dumpPath(storePath));
    expect(ours.length).toBe(narSize);
    expect(ours.sha256).toBe(createHash('sha256').update(cached).digest('hex'));
    // The listing parsed from Nix's own NAR file is the same too.
    expect(Buffer.from(encodeNarListing(await buildNarListing([cached]))).equals(nixListing)).toBe(true);
  });
});

describe('differential: whatever nix-store --restore rejects, we reject', () => {
  const tree: TreeNode = sortTree({
    type: 'directory',
    entries: [
      ['a', { type: 'regular', contents: 'hello', executable: true }],
      ['d', { type: 'directory', entries: [['x', { type: 'symlink', target: '../a' }], ['y', { type: 'regular', contents: '' }]] }],
      ['z', { type: 'regular', contents: '12345678' }],
    ],
  });
  const valid = Buffer.from(encodeTree(tree));
  let n = 0;

  /**
   * Nix's verdict and ours on `bytes`. Nix 2.8 takes 7 to over 20 s on some archives whose length
   * fields a mutation made huge (measured over every byte of `valid` set to 1, 16, 127, 128 and 255);
   * ours rejects them in milliseconds. Nix is given 10 s, then counted as rejecting: a NAR of a few hundred bytes that Nix
   * has not restored by then declares more than it holds, and we must reject it too.
   */
  async function both(bytes: Uint8Array): Promise<{ nix: boolean; ours: boolean }> {
    const nixTarget = path.join(tmp, `nix-${n}`);
    const ourTarget = path.join(tmp, `ours-${n++}`);
    const nixOk = await nixRestore([bytes], nixTarget, { timeoutMs: 10_000 }).then(
      () => true,
      () => false,
    );
    const ourOk = await extractNar([bytes], ourTarget).then(
      () => true,
      () => false,
    );
    if (nixOk && ourOk) expect(await digest(dumpPath(ourTarget))).toEqual(await nixDumpDigest(nixTarget));
    fs.rmSync(nixTarget, { recursive: true, force: true });
    fs.rmSync(ourTarget, { recursive: true, force: true });
    return { nix: nixOk, ours: ourOk };
  }

  it('hand-made hostile archives', async () => {
    const M = 'nix-archive-1';
    const head = [M, '(', 'type', 'directory'];
    const file = ['(', 'type', 'regular', 'contents', 'x', ')'];
    const entry = (name: string) => ['entry', '(', 'name', name, 'node', ...file, ')'];
    const cases = {
      valid: nar(...head, ...entry('a'), ')'),
      dotdot: nar(...head, ...entry('..'), ')'),
      slash: nar(...head, ...entry('a/b'), ')'),
      empty: nar(...head, ...entry(''), ')'),
      duplicate: nar(...head, ...entry('a'), ...entry('a'), ')'),
      execMarker: nar(M, '(', 'type', 'regular', 'executable', 'x', 'contents', 'x', ')'),
      padding: nar(M, '(', 'type', 'regular', 'contents', u64(3), Uint8Array.from([1, 2, 3, 0, 0, 0, 0, 1]), ')'),
      unknownType: nar(M, '(', 'type', 'fifo', ')'),
      truncated: nar(M, ...file).subarray(0, 90),
      badMagic: nar('nix-archive-0', ...file),
    };
    const results: Record<string, { nix: boolean; ours: boolean }> = {};
    for (const [name, bytes] of Object.entries(cases)) results[name] = await both(bytes);
    for (const [name, r] of Object.entries(results)) {
      expect({ name, ...r }).toEqual({ name, nix: name === 'valid', ours: name === 'valid' });
    }
    // Where we are stricter than Nix 2.8 (newer Nix rejects unsorted entries too; trailing data is
    // outside NarHash/NarSize).
    expect(await both(nar(...head, ...entry('b'), ...entry('a'), ')'))).toEqual({ nix: true, ours: false });
    expect(await both(nar(M, ...file, 'junk'))).toEqual({ nix: true, ours: false });
  });

  it('random mutations of a valid NAR', async () => {
    // One that Nix chews on for more than 10 s (found by the measurement above `both`).
    const slow = Buffer.from(valid);
    slow[291] = 255;
    expect(await both(slow)).toEqual({ nix: false, ours: false });
    await fc.assert(
      fc.asyncProperty(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length), async (at, value, cut) => {
        const bytes = Buffer.from(valid);
        bytes[at] = value;
        const r = await both(bytes.subarray(0, Math.max(cut, at + 1)));
        if (!r.nix) expect(r.ours).toBe(false);
      }),
      { numRuns: 100 },
    );
    // A few of the runs may each wait out Nix's 10 s (see `both`).
  }, 300_000);
});
