import { describe, expect, it } from 'vitest';
import { buildNarListing } from '../nar/nar-listing';
import { NarError } from '../nar/nar-reader';
import { type TreeNode, chunked, encodeTree, nar, sortTree, str } from '../nar/nar-test-util';
import { decompressStream, sniffCompression } from './decompress-stream';
import { flattenListing, listNarEntries, readMaybeCompressed } from './nar-files';
import { classify, hexDump, previewFromNar } from './nar-preview';
import { createCompressor } from '../compress/compress';
import { pipeline } from 'node:stream/promises';
import { pathHash } from './path-narinfo';

const tree: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['bin', { type: 'directory', entries: [['hello', { type: 'regular', contents: '#!/bin/sh\necho hi\n', executable: true }]] }],
    ['share', { type: 'directory', entries: [['data.txt', { type: 'regular', contents: 'some text ünïcödé\n' }], ['empty', { type: 'regular', contents: '' }]] }],
    ['link', { type: 'symlink', target: 'share/data.txt' }],
    ['blob', { type: 'regular', contents: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]) }],
    [Buffer.from([0x66, 0xff]), { type: 'regular', contents: 'odd name' }],
  ],
});
const bytes = encodeTree(tree);

/** Counts what the reader pulled from the source, to prove a preview stops early. */
function counting(source: Iterable<Uint8Array>) {
  const state = { pulled: 0, closed: false };
  const gen = (function* () {
    try {
      for (const chunk of source) {
        state.pulled += chunk.length;
        yield chunk;
      }
    } finally {
      state.closed = true;
    }
  })();
  return { gen, state };
}

describe('listNarEntries (a NAR streamed into a flat listing)', () => {
  it('lists every node in NAR order with sizes, executable bits and symlink targets, whatever the chunking', async () => {
    for (const sizes of [[1], [7, 13], [1 << 20]]) {
      const flat = await listNarEntries(chunked(bytes, sizes));
      expect(flat.total).toBe(9);
      expect(flat.entries).toEqual([
        { path: '/', type: 'directory' },
        { path: '/bin', type: 'directory' },
        { path: '/bin/hello', type: 'regular', size: 18, executable: true },
        { path: '/blob', type: 'regular', size: 8 },
        { path: '/f\udcff', type: 'regular', size: 8 },
        { path: '/link', type: 'symlink', target: 'share/data.txt' },
        { path: '/share', type: 'directory' },
        { path: '/share/data.txt', type: 'regular', size: Buffer.byteLength('some text ünïcödé\n') },
        { path: '/share/empty', type: 'regular', size: 0 },
      ]);
    }
  });

  it('equals the .ls listing built from the same NAR, flattened', async () => {
    const fromNar = await listNarEntries([bytes]);
    const fromLs = flattenListing(await buildNarListing([bytes]));
    expect(fromLs).toEqual(fromNar);
  });

  it('keeps only maxShown entries but counts them all', async () => {
    const flat = await listNarEntries([bytes], { maxShown: 3 });
    expect(flat.entries.map((e) => e.path)).toEqual(['/', '/bin', '/bin/hello']);
    expect(flat.total).toBe(9);
  });

  it('a root that is a single file is listed as /', async () => {
    const flat = await listNarEntries([encodeTree({ type: 'regular', contents: 'x', executable: true })]);
    expect(flat.entries).toEqual([{ path: '/', type: 'regular', size: 1, executable: true }]);
  });

  it('hostile NARs: too many entries, too deep, a huge name, truncation, unsorted — each says what and where', async () => {
    const many: TreeNode = { type: 'directory', entries: Array.from({ length: 50 }, (_, i) => [`f${String(i).padStart(3, '0')}`, { type: 'regular', contents: '' }] as [string, TreeNode]) };
    await expect(listNarEntries([encodeTree(many)], { maxEntries: 20 })).rejects.toThrow(/more than 20 entries/);
    let deep: TreeNode = { type: 'regular', contents: '' };
    for (let i = 0; i < 70; i++) deep = { type: 'directory', entries: [['d', deep]] };
    await expect(listNarEntries([encodeTree(deep)])).rejects.toThrow(/nested deeper than 64 levels/);
    const longName = nar('nix-archive-1', '(', 'type', 'directory', 'entry', '(', 'name', str('x'.repeat(300)), 'node', '(', 'type', 'regular', 'contents', '', ')', ')', ')');
    await expect(listNarEntries([longName])).rejects.toThrow(/entry name of 300 bytes is longer than the limit of 255/);
    const truncated = bytes.subarray(0, Buffer.from(bytes).indexOf('some text') + 3);
    const error = await listNarEntries([truncated]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NarError);
    expect((error as NarError).message).toMatch(/NAR byte \d+, in \/share\/data\.txt: unexpected end of input \(the NAR is truncated\)/);
    const unsorted = encodeTree({ type: 'directory', entries: [['b', { type: 'regular', contents: '' }], ['a', { type: 'regular', contents: '' }]] });
    await expect(listNarEntries([unsorted])).rejects.toThrow(/in \/: entry names not sorted \("a" after "b"\)/);
    await expect(listNarEntries([Buffer.from('not a nar at all, just text....')])).rejects.toThrow(/not a NAR \(bad magic/);
  });
});

describe('previewFromNar', () => {
  it('shows a text file, with its size and executable bit', async () => {
    const p = await previewFromNar([bytes], '/bin/hello');
    expect(p).toMatchObject({ file: '/bin/hello', type: 'regular', size: 18, executable: true, kind: 'text', text: '#!/bin/sh\necho hi\n', shownBytes: 18, truncated: false });
    expect(await previewFromNar([bytes], 'share/data.txt')).toMatchObject({ kind: 'text', text: 'some text ünïcödé\n' });
    expect(await previewFromNar([bytes], '/share/empty')).toMatchObject({ kind: 'empty', size: 0 });
  });

  it('calls a file with NUL bytes or invalid UTF-8 binary and gives a hex view', async () => {
    const p = await previewFromNar([bytes], '/blob');
    expect(p).toMatchObject({ kind: 'binary', size: 8, shownBytes: 8 });
    expect(p.hex).toBe(`00000000  ${'7f 45 4c 46 00 01 02 03'.padEnd(47)}  |.ELF....|`);
    expect(classify(Buffer.from([0x61, 0xff, 0x62]), false).kind).toBe('binary');
    expect(classify(Buffer.from('plain'), false)).toEqual({ kind: 'text', text: 'plain' });
  });

  it('does not hold a character cut by the size cap against a text file', () => {
    const text = Buffer.from('aé');
    expect(classify(text.subarray(0, 2), true)).toEqual({ kind: 'text', text: 'a' });
    expect(classify(text.subarray(0, 2), false).kind).toBe('binary');
  });

  it('caps the preview, says it was truncated, and stops reading the NAR there', async () => {
    const big = 'x'.repeat(300_000);
    const archive = encodeTree(sortTree({ type: 'directory', entries: [['big.txt', { type: 'regular', contents: big }], ['later', { type: 'regular', contents: 'y' }]] }));
    const { gen, state } = counting(chunked(archive, [4096]));
    const p = await previewFromNar(gen, '/big.txt', { maxBytes: 1000 });
    expect(p).toMatchObject({ kind: 'text', size: 300_000, shownBytes: 1000, truncated: true });
    expect(p.text).toBe('x'.repeat(1000));
    expect(state.pulled).toBeLessThan(10_000);
    expect(state.closed).toBe(true);
  });

  it('describes symlinks and directories, and says when the file is not there (stopping at the end of its folder)', async () => {
    expect(await previewFromNar([bytes], '/link')).toMatchObject({ type: 'symlink', target: 'share/data.txt', kind: 'none' });
    expect(await previewFromNar([bytes], '/share')).toMatchObject({ type: 'directory', kind: 'none' });
    expect(await previewFromNar([bytes], '/f\udcff')).toMatchObject({ kind: 'text', text: 'odd name' });
    await expect(previewFromNar([bytes], '/bin/nothing')).rejects.toThrow('The NAR has no /bin/nothing.');
    const { gen, state } = counting(chunked(bytes, [16]));
    await expect(previewFromNar(gen, '/bin/nothing')).rejects.toThrow(/has no/);
    expect(state.pulled).toBeLessThan(bytes.length);
  });

  it('reports a hostile NAR with where it broke', async () => {
    const bad = nar('nix-archive-1', '(', 'type', 'directory', 'entry', '(', 'name', '..', 'node', '(', 'type', 'regular', 'contents', 'x', ')', ')', ')');
    await expect(previewFromNar([bad], '/x')).rejects.toThrow(/NAR byte \d+, in \/: invalid entry name "\.\."/);
  });
});

describe('helpers', () => {
  it('hexDump lays out offset, hex and printable characters', () => {
    expect(hexDump(Buffer.from('0123456789abcdefXY'))).toBe(
      `00000000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  |0123456789abcdef|\n00000010  ${'58 59'.padEnd(47)}  |XY|`,
    );
  });

  it('sniffCompression knows xz, zstd, bzip2 and gzip by their magic, and text as none', () => {
    expect(sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]))).toBe('xz');
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(sniffCompression(Buffer.from('BZh9'))).toBe('bzip2');
    expect(sniffCompression(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(sniffCompression(Buffer.from('BZh, a build log'))).toBeUndefined();
    expect(sniffCompression(Buffer.from('building...'))).toBeUndefined();
  });

  it('readMaybeCompressed decompresses what it recognises, up to a cap', async () => {
    for (const method of ['xz', 'zstd', 'gzip', 'bzip2'] as const) {
      const parts: Uint8Array[] = [];
      const c = createCompressor(method);
      await pipeline([Buffer.from('hello log '.repeat(100))], c, async (source: AsyncIterable<Uint8Array>) => {
        for await (const chunk of source) parts.push(chunk);
      });
      const r = await readMaybeCompressed(Buffer.concat(parts), 50);
      expect(r).toMatchObject({ compression: method, truncated: true });
      expect(Buffer.from(r.bytes).toString()).toBe('hello log '.repeat(5));
    }
    expect(await readMaybeCompressed(Buffer.from('plain'), 50)).toMatchObject({ truncated: false });
  });

  it('decompressStream names a codec failure as such', async () => {
    const broken = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const run = async () => {
      for await (const _ of decompressStream((async function* () { yield broken; })(), 'xz')) {
        // draining
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'CodecError' });
  });

  it('pathHash takes a store path, a base name or a hash, and refuses anything else', () => {
    const hash = '0123456789abcdfghijklmnpqrsvwxyz';
    expect(pathHash(`/nix/store/${hash}-hello-1.0`)).toBe(hash);
    expect(pathHash(`${hash}-hello`)).toBe(hash);
    expect(pathHash(hash)).toBe(hash);
    expect(() => pathHash('hello')).toThrow(/is not a store path/);
    expect(() => pathHash(`${hash}x`)).toThrow(/is not a store path/);
  });
});
