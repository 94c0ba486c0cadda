import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NarDumpError, dumpPath } from './nar-writer';
import { type TreeNode, collect, encodeTree, sortTree } from './nar-test-util';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nar-writer-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let counter = 0;
function fresh(): string {
  return path.join(tmp, `t${counter++}`);
}

/** Materialises a tree on disk; names may be raw bytes (Buffer paths). */
function materialise(at: Buffer, node: TreeNode): void {
  switch (node.type) {
    case 'regular':
      fs.writeFileSync(at, node.contents, { mode: node.executable ? 0o755 : 0o644 });
      fs.chmodSync(at, node.executable ? 0o755 : 0o644);
      return;
    case 'symlink':
      fs.symlinkSync(Buffer.from(node.target), at);
      return;
    case 'directory':
      fs.mkdirSync(at);
      for (const [name, child] of node.entries) materialise(Buffer.concat([at, Buffer.from('/'), Buffer.from(name)]), child);
  }
}

const oddName = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]); // "bad" + invalid UTF-8

const fixture: TreeNode = {
  type: 'directory',
  entries: [
    ['README', { type: 'regular', contents: 'hello\n' }],
    ['run.sh', { type: 'regular', contents: '#!/bin/sh\n', executable: true }],
    ['empty', { type: 'regular', contents: '' }],
    ['eight', { type: 'regular', contents: '12345678' }],
    ['big', { type: 'regular', contents: Buffer.alloc(300_000, 0x5a) }],
    ['emptydir', { type: 'directory', entries: [] }],
    ['a', { type: 'directory', entries: [['b', { type: 'directory', entries: [['c', { type: 'symlink', target: '../../README' }]] }]] }],
    ['abs', { type: 'symlink', target: '/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x' }],
    ['dangling', { type: 'symlink', target: 'does/not/exist' }],
    // Byte order differs from JS string order for these.
    ['\uFB01', { type: 'regular', contents: 'fi ligature' }],
    ['\u{1F600}', { type: 'regular', contents: 'emoji' }],
    ['B', { type: 'regular', contents: 'upper' }],
    ['b', { type: 'regular', contents: 'lower' }],
    ['10', { type: 'regular', contents: 'ten' }],
    ['9', { type: 'regular', contents: 'nine' }],
    [oddName, { type: 'regular', contents: 'odd' }],
  ],
};

describe('dumpPath', () => {
  it('matches an independent encoder on a varied tree, entries in byte order', async () => {
    const root = fresh();
    materialise(Buffer.from(root), fixture);
    const ours = await collect(dumpPath(root));
    expect(ours.equals(Buffer.from(encodeTree(sortTree(fixture))))).toBe(true);
    // Same with the root given as bytes, with a trailing slash, and with tiny read-ahead and chunks.
    expect((await collect(dumpPath(Buffer.from(root + '/')))).equals(ours)).toBe(true);
    expect((await collect(dumpPath(root, { chunkSize: 4096 }))).equals(ours)).toBe(true);
    // Switching to asynchronous calls after the first (pretend-slow) one changes nothing either.
    expect((await collect(dumpPath(root, { slowCallMs: -1, chunkSize: 4096 }))).equals(ours)).toBe(true);
    // The never-blocking mode (used after a slow call) gives the same bytes, with any read-ahead.
    for (const readAhead of [1, 3, 64]) {
      expect((await collect(dumpPath(root, { io: 'async', readAhead, chunkSize: 4096 }))).equals(ours)).toBe(true);
    }
  });

  it('uses the owner x bit only, as Nix does (S_IXUSR)', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    for (const [name, mode] of [['g', 0o654], ['o', 0o645], ['u', 0o744], ['all', 0o777], ['none', 0o600]] as const) {
      fs.writeFileSync(path.join(dir, name), 'x');
      fs.chmodSync(path.join(dir, name), mode);
    }
    const expected = encodeTree(
      sortTree({
        type: 'directory',
        entries: [
          ['g', { type: 'regular', contents: 'x' }],
          ['o', { type: 'regular', contents: 'x' }],
          ['u', { type: 'regular', contents: 'x', executable: true }],
          ['all', { type: 'regular', contents: 'x', executable: true }],
          ['none', { type: 'regular', contents: 'x' }],
        ],
      }),
    );
    expect((await collect(dumpPath(dir))).equals(Buffer.from(expected))).toBe(true);
  });

  it('dumps a file root and a symlink root without following it', async () => {
    const f = fresh();
    fs.writeFileSync(f, 'data');
    expect((await collect(dumpPath(f))).equals(Buffer.from(encodeTree({ type: 'regular', contents: 'data' })))).toBe(true);
    const l = fresh();
    fs.symlinkSync(f, l);
    expect((await collect(dumpPath(l))).equals(Buffer.from(encodeTree({ type: 'symlink', target: f })))).toBe(true);
  });

  it('produces full chunks of chunkSize, only the last one shorter', async () => {
    const root = fresh();
    materialise(Buffer.from(root), fixture);
    const sizes: number[] = [];
    for await (const c of dumpPath(root, { chunkSize: 8192 })) sizes.push(c.length);
    expect(sizes.slice(0, -1).every((s) => s === 8192)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(8192);
    expect(sizes.length).toBeGreaterThan(30);
  });

  it('names the path of a FIFO, a socket or a device', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    await expect(collect(dumpPath(dir))).rejects.toThrow(
      `cannot archive '${dir}/fifo': it is a FIFO (named pipe); a NAR holds only regular files, directories and symlinks`,
    );
    await expect(collect(dumpPath(path.join(dir, 'fifo')))).rejects.toThrow(NarDumpError);

    const sdir = fresh();
    fs.mkdirSync(sdir);
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(path.join(sdir, 'sock'), r));
    try {
      await expect(collect(dumpPath(sdir))).rejects.toThrow(`cannot archive '${sdir}/sock': it is a socket;`);
    } finally {
      server.close();
    }
    await expect(collect(dumpPath('/dev/null'))).rejects.toThrow("cannot archive '/dev/null': it is a character device;");
  });

  it('reports a missing path and an unreadable file with the path', async () => {
    const missing = fresh();
    await expect(collect(dumpPath(missing))).rejects.toThrow(`cannot archive '${missing}': lstat failed (ENOENT)`);
    if (process.getuid?.() !== 0) {
      const f = fresh();
      fs.writeFileSync(f, 'x', { mode: 0 });
      await expect(collect(dumpPath(f))).rejects.toThrow(`cannot archive '${f}': open failed (EACCES)`);
    }
  });

  it.each(['auto', 'async'] as const)('fails clearly when a file shrinks while it is read (%s)', async (io) => {
    const f = fresh();
    fs.writeFileSync(f, Buffer.alloc(4 << 20, 1));
    const it = dumpPath(f, { chunkSize: 1 << 20, io });
    await it.next();
    fs.truncateSync(f, 1000);
    await expect(collect({ [Symbol.asyncIterator]: () => it })).rejects.toThrow(
      `cannot archive '${f}': file shrank while reading (1048480 of 4194304 bytes)`,
    );
  });

  it('gives the event loop a turn during long synchronous stretches', async () => {
    const root = fresh();
    fs.mkdirSync(root);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(root, `f${i}`), 'x');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const t0 = performance.now();
    await collect(dumpPath(root));
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    // Not starved: a 1 ms timer gets to run after every slice of synchronous work (8 ms); without
    // the slicing it would not run at all until the dump ended.
    if (elapsed > 20) expect(ticks).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 40));
  });

  it('stops on abort and closes what it opened when the consumer stops early', async () => {
    const root = fresh();
    materialise(Buffer.from(root), fixture);
    const ac = new AbortController();
    ac.abort(new Error('cancelled by test'));
    await expect(collect(dumpPath(root, { signal: ac.signal }))).rejects.toThrow('cancelled by test');

    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = fds();
    const big = fresh();
    fs.writeFileSync(big, Buffer.alloc(3 << 20, 2));
    for (const io of ['auto', 'async'] as const) {
      for (let i = 0; i < 5; i++) {
        for await (const _ of dumpPath(big, { chunkSize: 65536, io })) break;
        for await (const _ of dumpPath(root, { chunkSize: 4096, io })) break;
      }
    }
    // Read-ahead may still be settling; give the thread pool a moment.
    await new Promise((r) => setTimeout(r, 50));
    expect(fds()).toBe(before);
  });

  it('matches the independent encoder on random trees (property)', async () => {
    const nameArb = fc
      .uint8Array({ minLength: 1, maxLength: 6 })
      .filter((n) => !n.includes(0x2f) && !n.includes(0) && !(n.length <= 2 && n.every((b) => b === 0x2e)));
    const treeArb = fc.letrec<{ node: TreeNode; dir: TreeNode }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ type: fc.constant('regular' as const), contents: fc.uint8Array({ maxLength: 40 }), executable: fc.boolean() }),
        fc.record({ type: fc.constant('symlink' as const), target: fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((t) => !t.includes(0)) }),
        tie('dir'),
      ),
      dir: fc
        .uniqueArray(fc.tuple(nameArb, tie('node')), { maxLength: 5, selector: ([n]) => Buffer.from(n).toString('hex') })
        .map((entries) => ({ type: 'directory' as const, entries })),
    }));
    await fc.assert(
      fc.asyncProperty(treeArb.dir, fc.constantFrom('auto' as const, 'async' as const), async (tree, io) => {
        const root = fresh();
        materialise(Buffer.from(root), tree);
        const ours = await collect(dumpPath(root, { chunkSize: 4096, readAhead: 3, io }));
        expect(ours.equals(Buffer.from(encodeTree(sortTree(tree))))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
