import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NarExtractError, extractNar } from './nar-extract';
import { NarError } from './nar-reader';
import { dumpPath } from './nar-writer';
import { type TreeNode, chunked, collect, encodeTree, nar, sortTree, str } from './nar-test-util';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nar-extract-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});
let counter = 0;
const fresh = () => path.join(tmp, `t${counter++}`);

const tree: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['bin', { type: 'directory', entries: [['tool', { type: 'regular', contents: '#!/bin/sh\n', executable: true }]] }],
    ['data', { type: 'regular', contents: Buffer.alloc(200_000, 3) }],
    ['empty', { type: 'regular', contents: '' }],
    ['emptydir', { type: 'directory', entries: [] }],
    ['rel', { type: 'symlink', target: 'bin/tool' }],
    ['abs', { type: 'symlink', target: '/etc/passwd' }],
    [Buffer.from([0x6f, 0xff]), { type: 'regular', contents: 'odd name' }],
    ['\u00e9t\u00e9', { type: 'regular', contents: 'unicode' }],
  ],
});

/** Everything under `dir` as relative path → description, to check nothing appeared or changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) out[rel] = 'link:' + fs.readlinkSync(p);
    else if (st.isDirectory()) {
      out[rel] = 'dir';
      for (const n of fs.readdirSync(p)) walk(path.join(p, n), rel + '/' + n);
    } else out[rel] = 'file:' + fs.readFileSync(p).toString('hex') + ':' + (st.mode & 0o777).toString(8);
  };
  walk(dir, '');
  return out;
}

describe('extractNar', () => {
  it('round-trips: extract then dump gives the same bytes', async () => {
    const bytes = encodeTree(tree);
    const target = fresh();
    const summary = await extractNar(chunked(bytes, [4096, 7]), target);
    expect(summary).toEqual({ directories: 3, files: 5, symlinks: 2, bytes: 200_000 + 10 + 8 + 7 });
    expect((await collect(dumpPath(target))).equals(Buffer.from(bytes))).toBe(true);
    expect(fs.readlinkSync(path.join(target, 'abs'))).toBe('/etc/passwd');
    expect(fs.statSync(path.join(target, 'bin/tool')).mode & 0o111).toBe(0o111);
    expect(fs.statSync(path.join(target, 'data')).mode & 0o111).toBe(0);
  });

  it('extracts into an existing empty directory', async () => {
    const target = fresh();
    fs.mkdirSync(target);
    await extractNar([encodeTree(tree)], target);
    expect(fs.readdirSync(target).length).toBe(8);
  });

  it('creates a single-file or symlink NAR at the target path', async () => {
    const f = fresh();
    await extractNar([encodeTree({ type: 'regular', contents: 'solo', executable: true })], f);
    expect(fs.readFileSync(f, 'utf8')).toBe('solo');
    expect(fs.statSync(f).mode & 0o100).toBe(0o100);
    const l = fresh();
    await extractNar([encodeTree({ type: 'symlink', target: 'nowhere' })], l);
    expect(fs.readlinkSync(l)).toBe('nowhere');
  });

  it('refuses a non-empty target, a file, or a symlink to a directory', async () => {
    const full = fresh();
    fs.mkdirSync(full);
    fs.writeFileSync(path.join(full, 'keep'), 'mine');
    await expect(extractNar([encodeTree(tree)], full)).rejects.toThrow(`cannot extract into '${full}': the directory is not empty`);
    expect(fs.readFileSync(path.join(full, 'keep'), 'utf8')).toBe('mine');

    const file = fresh();
    fs.writeFileSync(file, 'mine');
    await expect(extractNar([encodeTree(tree)], file)).rejects.toThrow(`cannot extract into '${file}': it exists and is not a directory`);
    expect(fs.readFileSync(file, 'utf8')).toBe('mine');

    const realDir = fresh();
    fs.mkdirSync(realDir);
    const link = fresh();
    fs.symlinkSync(realDir, link);
    await expect(extractNar([encodeTree(tree)], link)).rejects.toThrow(NarExtractError);
    expect(fs.readdirSync(realDir)).toEqual([]);

    const empty = fresh();
    fs.mkdirSync(empty);
    await expect(extractNar([encodeTree({ type: 'regular', contents: 'x' })], empty)).rejects.toThrow(
      'the NAR holds a single file, which is created at the target path, so the target must not exist',
    );
  });

  it('reports a missing parent directory', async () => {
    const target = path.join(fresh(), 'sub');
    await expect(extractNar([encodeTree(tree)], target)).rejects.toThrow(
      `extracting into '${target}' failed at /: the parent directory '${path.dirname(target)}' does not exist`,
    );
  });

  it('never writes through a symlink: a duplicate name after a link is rejected first', async () => {
    const outside = fresh();
    fs.mkdirSync(outside);
    const before = snapshot(outside);
    // "a" is a symlink to `outside`, then "a" again as a directory holding "x": a path traversal
    // attempt that only works on an extractor that follows links and accepts duplicates.
    const hostile = nar(
      'nix-archive-1', '(', 'type', 'directory',
      'entry', '(', 'name', 'a', 'node', '(', 'type', 'symlink', 'target', outside, ')', ')',
      'entry', '(', 'name', 'a', 'node', '(', 'type', 'directory',
      'entry', '(', 'name', 'x', 'node', '(', 'type', 'regular', 'contents', 'pwned', ')', ')',
      ')', ')',
      ')',
    );
    const target = fresh();
    const err = await extractNar([hostile], target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NarExtractError);
    expect((err as Error).cause).toBeInstanceOf(NarError);
    expect((err as Error).message).toMatch(
      new RegExp(`^extracting into '${target}' failed: NAR byte \\d+, in /: duplicate entry "a"; what was extracted so far is left in '${target}'$`),
    );
    expect(snapshot(outside)).toEqual(before);
  });

  it('rejects names that climb out, leaving nothing outside', async () => {
    const parent = fresh();
    fs.mkdirSync(parent);
    const target = path.join(parent, 'out');
    for (const name of ['..', '.', 'a/../../x', '/etc', '']) {
      const bytes = nar(
        'nix-archive-1', '(', 'type', 'directory',
        'entry', '(', 'name', name, 'node', '(', 'type', 'regular', 'contents', 'x', ')', ')', ')',
      );
      await expect(extractNar([bytes], target)).rejects.toThrow(NarExtractError);
      fs.rmSync(target, { recursive: true, force: true });
    }
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('does not overwrite or follow something planted while extracting', async () => {
    const outside = fresh();
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim'), 'precious');
    const target = fresh();
    const bytes = encodeTree({
      type: 'directory',
      entries: [
        ['a', { type: 'regular', contents: 'first' }],
        ['victim', { type: 'regular', contents: 'overwritten!' }],
      ],
    });
    // Between the two entries, someone plants a symlink named like the next file.
    const split = Buffer.from(bytes).indexOf(str('victim'));
    async function* source() {
      yield bytes.subarray(0, split - 64);
      fs.symlinkSync(path.join(outside, 'victim'), path.join(target, 'victim'));
      yield bytes.subarray(split - 64);
    }
    await expect(extractNar(source(), target)).rejects.toThrow(
      `extracting into '${target}' failed at /victim: a file with that name already exists (it was not overwritten)`,
    );
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('precious');
  });

  it('wraps a truncated NAR with the target and path, keeping the NarError as cause', async () => {
    const bytes = encodeTree(tree);
    const target = fresh();
    const err = await extractNar([bytes.subarray(0, bytes.length - 100)], target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NarExtractError);
    expect((err as Error).message).toContain('unexpected end of input (the NAR is truncated)');
    expect((err as Error).message).toContain(`what was extracted so far is left in '${target}'`);
  });

  it('passes an abort through unchanged', async () => {
    const ac = new AbortController();
    const reason = new Error('user cancelled');
    ac.abort(reason);
    await expect(extractNar([encodeTree(tree)], fresh(), { signal: ac.signal })).rejects.toBe(reason);
  });
});
