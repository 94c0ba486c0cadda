import { describe, expect, it } from 'vitest';
import { encodeNarListing, lookupNarListing, serialiseNarListing } from '../../../shared/nix/nar-listing';
import { buildNarListing } from './nar-listing';
import { NarError } from './nar-reader';
import { type TreeNode, chunked, encodeTree, sortTree } from './nar-test-util';

const tree: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['bin', { type: 'directory', entries: [['tool', { type: 'regular', contents: '#!/bin/sh\n', executable: true }]] }],
    ['empty', { type: 'regular', contents: '' }],
    ['lib', { type: 'directory', entries: [] }],
    ['link', { type: 'symlink', target: 'bin/tool' }],
    ['odd', { type: 'symlink', target: Buffer.from([0x61, 0xff]) }],
    [Buffer.from([0x62, 0x61, 0x64, 0xff]), { type: 'regular', contents: 'z' }],
    ['9', { type: 'regular', contents: '9' }],
    ['10', { type: 'regular', contents: '10' }],
  ],
});

describe('buildNarListing', () => {
  it('lists every node with offsets that point at the contents', async () => {
    const bytes = encodeTree(tree);
    const listing = await buildNarListing(chunked(bytes, [13]));
    const tool = lookupNarListing(listing, '/bin/tool');
    expect(tool).toMatchObject({ type: 'regular', size: 10, executable: true });
    const at = (tool as { narOffset: number }).narOffset;
    expect(Buffer.from(bytes.subarray(at, at + 10)).toString()).toBe('#!/bin/sh\n');
    expect(lookupNarListing(listing, '/empty')).toMatchObject({ type: 'regular', size: 0 });
    expect(lookupNarListing(listing, '/empty')).not.toHaveProperty('executable');
    expect(lookupNarListing(listing, '/lib')).toEqual({ type: 'directory', entries: {} });
    expect(lookupNarListing(listing, '/odd')).toEqual({ type: 'symlink', target: 'a\udcff' });
    expect(lookupNarListing(listing, '/bad\udcff')).toMatchObject({ type: 'regular', size: 1 });
  });

  it('serialises entries in NAR (byte) order, odd bytes raw', async () => {
    const listing = await buildNarListing([encodeTree(tree)]);
    const text = serialiseNarListing(listing);
    const names = [...text.matchAll(/"([^"]+)":\{"type"/g)].map((m) => m[1]);
    expect(names).toEqual(['root', '10', '9', 'bad\udcff', 'bin', 'tool', 'empty', 'lib', 'link', 'odd']);
    const bytes = Buffer.from(encodeNarListing(listing));
    expect(bytes.includes(Buffer.from([0x22, 0x62, 0x61, 0x64, 0xff, 0x22]))).toBe(true);
  });

  it('lists a single-file NAR', async () => {
    const listing = await buildNarListing([encodeTree({ type: 'regular', contents: 'abc' })]);
    expect(serialiseNarListing(listing)).toBe('{"version":1,"root":{"type":"regular","size":3,"narOffset":96}}');
  });

  it('rejects bad NARs and too many entries', async () => {
    await expect(buildNarListing([encodeTree(tree).subarray(0, 100)])).rejects.toThrow(NarError);
    await expect(buildNarListing([encodeTree(tree)], { maxEntries: 5 })).rejects.toThrow(/in \/bin\/tool: more than 5 entries$/);
  });
});
