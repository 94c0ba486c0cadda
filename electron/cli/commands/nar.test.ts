import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import { buildNarListing } from '../../services/nar/nar-listing';
import { collect, encodeTree, sortTree, type TreeNode } from '../../services/nar/nar-test-util';
import { dumpPath } from '../../services/nar/nar-writer';
import type { CliIO } from '../io';
import { UsageError } from '../io';
import { nar } from './nar';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nar-cli-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  status: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs `narwhal nar ...` in-process with fake streams. */
async function run(argv: string[], opts: { stdin?: Uint8Array; stdout?: Writable } = {}): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  stdin.end(opts.stdin ?? new Uint8Array(0));
  const io: CliIO = { stdin, stdout: opts.stdout ?? stdout, stderr, env: {}, cwd: tmp };
  const status = await nar(argv, io);
  return { status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() };
}

const tree: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['bin', { type: 'directory', entries: [['x', { type: 'regular', contents: '#!/bin/sh\n', executable: true }]] }],
    ['big', { type: 'regular', contents: Buffer.alloc(3 << 20, 9) }],
    ['link', { type: 'symlink', target: 'bin/x' }],
  ],
});
const treeNar = Buffer.from(encodeTree(tree));

describe('narwhal nar', () => {
  it('prints help', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toContain('narwhal nar dump PATH');
  });

  it('throws UsageError for bad usage (the dispatcher prints it, status 2)', async () => {
    await expect(run([])).rejects.toThrow(UsageError);
    await expect(run(['frobnicate'])).rejects.toThrow('unknown subcommand "frobnicate" of narwhal nar');
    await expect(run(['constructor'])).rejects.toThrow('unknown subcommand "constructor" of narwhal nar');
    await expect(run(['dump'])).rejects.toThrow('missing PATH');
    await expect(run(['dump', 'a', 'b'])).rejects.toThrow('unexpected argument "b"');
    await expect(run(['extract', 'a'])).rejects.toThrow('missing DIR');
    await expect(run(['extract'])).rejects.toThrow('missing FILE (or - for stdin) and DIR');
    await expect(run(['extract', 'a'])).rejects.toMatchObject({ options: { by: 'narwhal nar extract', usage: 'usage: narwhal nar extract FILE|- DIR' } });
    await expect(run(['ls', '--bogus'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });

  it('extract from stdin, dump back, ls from a file (relative paths against cwd)', async () => {
    const ex = await run(['extract', '-', 'out'], { stdin: treeNar });
    expect(ex.status).toBe(0);
    expect(ex.stderr).toBe(`extracted 2 files (${(3 << 20) + 10} bytes), 2 directories and 1 symlink into ${path.join(tmp, 'out')}\n`);

    const dump = await run(['dump', 'out']);
    expect(dump.status).toBe(0);
    expect(dump.stdout.equals(treeNar)).toBe(true);

    fs.writeFileSync(path.join(tmp, 'tree.nar'), treeNar);
    const ls = await run(['ls', 'tree.nar']);
    expect(ls.status).toBe(0);
    const expected = Buffer.from(encodeNarListing(await buildNarListing([treeNar])));
    expect(ls.stdout.equals(expected)).toBe(true);
    expect(ls.stdout.at(-1)).toBe(0x7d); // no trailing newline: the exact .ls bytes

    const lsStdin = await run(['ls', '-'], { stdin: treeNar });
    expect(lsStdin.stdout.equals(expected)).toBe(true);

    const ex2 = await run(['extract', 'tree.nar', 'out2']);
    expect(ex2.status).toBe(0);
    expect((await collect(dumpPath(path.join(tmp, 'out2')))).equals(treeNar)).toBe(true);
  });

  it('reports errors on stderr with status 1', async () => {
    const bad = await run(['ls', '-'], { stdin: treeNar.subarray(0, 200) });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^narwhal nar ls: NAR byte 200, in \/big: unexpected end of input \(the NAR is truncated\)\n$/);

    const missing = await run(['ls', 'nope.nar']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`narwhal nar ls: cannot open ${path.join(tmp, 'nope.nar')}: no such file or folder\n`);

    const dumpMissing = await run(['dump', 'nope']);
    expect(dumpMissing.status).toBe(1);
    expect(dumpMissing.stderr).toBe(`narwhal nar dump: cannot archive '${path.join(tmp, 'nope')}': lstat failed (ENOENT)\n`);

    fs.mkdirSync(path.join(tmp, 'full'));
    fs.writeFileSync(path.join(tmp, 'full', 'x'), '');
    const full = await run(['extract', '-', 'full'], { stdin: treeNar });
    expect(full.status).toBe(1);
    expect(full.stderr).toBe(`narwhal nar extract: cannot extract into '${path.join(tmp, 'full')}': the directory is not empty\n`);
  });

  it('respects backpressure on stdout', async () => {
    const big = path.join(tmp, 'bigfile');
    fs.writeFileSync(big, Buffer.alloc(16 << 20, 1));
    let maxBuffered = 0;
    let total = 0;
    // A slow consumer with a small buffer: the command must wait for 'drain' instead of queueing.
    const slow = new Writable({
      highWaterMark: 64 << 10,
      write(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        setTimeout(cb, 1);
      },
    });
    const origWrite = slow.write.bind(slow);
    slow.write = ((chunk: Buffer, ...rest: never[]) => {
      const ok = origWrite(chunk, ...rest);
      maxBuffered = Math.max(maxBuffered, slow.writableLength);
      return ok;
    }) as typeof slow.write;
    const r = await run(['dump', 'bigfile'], { stdout: slow });
    expect(r.status).toBe(0);
    await new Promise((resolve) => slow.end(resolve));
    expect(total).toBe((16 << 20) + 112); // 96 bytes of header, 16 of closing paren
    // At most one 1 MiB chunk beyond the high-water mark is ever queued.
    expect(maxBuffered).toBeLessThanOrEqual((64 << 10) + (1 << 20));
  });

  it('refuses to write a NAR to a terminal', async () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    const r = await run(['dump', '.'], { stdout: tty });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refusing to write a binary NAR to a terminal');
  });

  describe('a compressed NAR, as binary caches store them', () => {
    const compress = (tool: string) => execFileSync(tool, ['-c'], { input: treeNar, maxBuffer: 64 << 20 });
    const expected = async () => Buffer.from(encodeNarListing(await buildNarListing([treeNar])));

    it.each([
      ['xz', 'xz -d'],
      ['zstd', 'zstd -d'],
      ['bzip2', 'bzip2 -d'],
    ])('says a %s-compressed NAR is compressed, and how to decompress it (ls and extract, file and stdin)', async (tool, decompress) => {
      fs.writeFileSync(path.join(tmp, `tree.nar.${tool}`), compress(tool));
      const ls = await run(['ls', `tree.nar.${tool}`]);
      expect(ls.status).toBe(1);
      expect(ls.stderr).toBe(`narwhal nar ls: tree.nar.${tool} is ${tool}-compressed; decompress it first (${decompress} < tree.nar.${tool} | narwhal nar ls -)\n`);
      const fromStdin = await run(['ls', '-'], { stdin: compress(tool) });
      expect(fromStdin.stderr).toBe(`narwhal nar ls: the input is ${tool}-compressed; decompress it first (${decompress} < FILE | narwhal nar ls -)\n`);
      const ex = await run(['extract', `tree.nar.${tool}`, `out-${tool}`]);
      expect(ex.status).toBe(1);
      expect(ex.stderr).toBe(`narwhal nar extract: tree.nar.${tool} is ${tool}-compressed; decompress it first (${decompress} < tree.nar.${tool} | narwhal nar extract - out-${tool})\n`);
      expect(fs.existsSync(path.join(tmp, `out-${tool}`))).toBe(false);
    });

    it('reads a gzip-compressed NAR as it is (Node has gzip built in)', async () => {
      fs.writeFileSync(path.join(tmp, 'tree.nar.gz'), compress('gzip'));
      const ls = await run(['ls', 'tree.nar.gz']);
      expect(ls).toMatchObject({ status: 0, stderr: '' });
      expect(ls.stdout.equals(await expected())).toBe(true);
      expect((await run(['ls', '-'], { stdin: compress('gzip') })).stdout.equals(await expected())).toBe(true);
      const ex = await run(['extract', 'tree.nar.gz', 'out-gz']);
      expect(ex.status).toBe(0);
      expect((await collect(dumpPath(path.join(tmp, 'out-gz')))).equals(treeNar)).toBe(true);
      const broken = await run(['ls', '-'], { stdin: compress('gzip').subarray(0, 100) });
      expect(broken).toMatchObject({ status: 1, stderr: expect.stringMatching(/^narwhal nar ls: /) });
    });

    it('still calls a NAR with bad magic what it is, and reads tiny inputs', async () => {
      expect((await run(['ls', '-'], { stdin: Buffer.from('hello world, not a NAR at all') })).stderr).toMatch(/bad magic/);
      expect((await run(['ls', '-'], { stdin: Buffer.from([0x1f]) })).stderr).toMatch(/narwhal nar ls: NAR byte/);
    });
  });
});
