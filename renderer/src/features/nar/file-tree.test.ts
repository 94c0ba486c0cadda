import { describe, expect, it } from 'vitest';
import type { NarEntryView } from '../../../../shared/api/contract-nar';
import { parentOf, treeKey, treeRows, visibleRows } from './file-tree';

const entries: NarEntryView[] = [
  { path: '/', type: 'directory' },
  { path: '/bin', type: 'directory' },
  { path: '/bin/hello', type: 'regular', size: 10, executable: true },
  { path: '/link', type: 'symlink', target: 'bin/hello' },
  { path: '/share', type: 'directory' },
  { path: '/share/doc', type: 'directory' },
  { path: '/share/doc/README', type: 'regular', size: 5 },
];

describe('file tree', () => {
  it('parentOf', () => {
    expect(parentOf('/')).toBeUndefined();
    expect(parentOf('/bin')).toBe('/');
    expect(parentOf('/share/doc/README')).toBe('/share/doc');
  });

  it('rows have depth, parent and child counts', () => {
    const rows = treeRows(entries);
    expect(rows.map((r) => [r.name, r.depth, r.parent, r.children])).toEqual([
      ['/', 0, -1, 3],
      ['bin', 1, 0, 1],
      ['hello', 2, 1, 0],
      ['link', 1, 0, 0],
      ['share', 1, 0, 1],
      ['doc', 2, 4, 1],
      ['README', 3, 5, 0],
    ]);
  });

  it('shows only rows under expanded directories', () => {
    const rows = treeRows(entries);
    expect(visibleRows(rows, new Set())).toEqual([0]);
    expect(visibleRows(rows, new Set(['/']))).toEqual([0, 1, 3, 4]);
    expect(visibleRows(rows, new Set(['/', '/share', '/share/doc']))).toEqual([0, 1, 3, 4, 5, 6]);
    // A directory open inside a closed one stays hidden.
    expect(visibleRows(rows, new Set(['/', '/share/doc']))).toEqual([0, 1, 3, 4]);
  });

  it('keys move, expand and collapse as a tree does', () => {
    const rows = treeRows(entries);
    const open = new Set(['/']);
    const visible = visibleRows(rows, open);
    expect(treeKey('ArrowDown', rows, visible, 0, open)).toEqual({ cursor: 1 });
    expect(treeKey('ArrowDown', rows, visible, 4, open)).toEqual({ cursor: 4 });
    expect(treeKey('ArrowUp', rows, visible, 3, open)).toEqual({ cursor: 1 });
    expect(treeKey('End', rows, visible, 0, open)).toEqual({ cursor: 4 });
    expect(treeKey('ArrowRight', rows, visible, 4, open)).toEqual({ cursor: 4, toggle: '/share' });
    expect(treeKey('ArrowRight', rows, visible, 0, open)).toEqual({ cursor: 1 });
    expect(treeKey('ArrowLeft', rows, visible, 3, open)).toEqual({ cursor: 0 });
    expect(treeKey('ArrowLeft', rows, visible, 0, open)).toBeUndefined();
    const deeper = new Set(['/', '/share']);
    expect(treeKey('ArrowLeft', rows, visibleRows(rows, deeper), 4, deeper)).toEqual({ cursor: 4, toggle: '/share' });
    expect(treeKey('x', rows, visible, 0, open)).toBeUndefined();
  });
});
