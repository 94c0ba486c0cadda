import { describe, expect, it } from 'vitest';
import { closureTotals, findNode, treeKeyMove, treeRows, whyChain, type ClosureGraph, type ClosureNode } from './closure-graph';

const node = (name: string, refs: number[], extra: Partial<ClosureNode> = {}): ClosureNode => {
  const hash = name.padEnd(32, '0').slice(0, 32);
  return { hash, basename: `${hash}-${name}`, state: 'present', narSize: 100, fileSize: 40, refs, ...extra };
};

// top(0) -> lib(1) -> leaf(2); top -> leaf; lib -> gone(3, missing); 4 and 5 refer to each other (a cycle Nix never makes).
const graph: ClosureGraph = {
  nodes: [node('top', [1, 2, 4]), node('lib', [2, 3]), node('leaf', []), node('gone', [], { state: 'missing', narSize: undefined, fileSize: undefined }), node('ping', [5]), node('pong', [4])],
};

describe('whyChain', () => {
  it('finds a shortest chain of references, breadth first', () => {
    expect(whyChain(graph, 2)).toEqual([0, 2]);
    expect(whyChain(graph, 3)).toEqual([0, 1, 3]);
    expect(whyChain(graph, 5)).toEqual([0, 4, 5]);
    expect(whyChain(graph, 0)).toEqual([0]);
  });
  it('answers null when the target is not in the closure of the start', () => {
    expect(whyChain(graph, 0, 1)).toBeNull();
    expect(whyChain(graph, 1, 2)).toBeNull();
    expect(whyChain(graph, 4, 5)).toEqual([5, 4]);
  });
});

describe('treeRows', () => {
  it('shows only the root until something is opened, then the children of open rows', () => {
    expect(treeRows(graph, new Set()).map((r) => r.key)).toEqual(['0']);
    const rows = treeRows(graph, new Set(['0', '0/1']));
    expect(rows.map((r) => [r.key, r.depth, r.expandable, r.repeat])).toEqual([
      ['0', 0, true, false],
      ['0/1', 1, true, false],
      ['0/1/2', 2, false, false],
      ['0/1/3', 2, false, false],
      ['0/2', 1, false, true],
      ['0/4', 1, true, false],
    ]);
    expect(rows[3]!.parentKey).toBe('0/1');
  });
  it('marks a node that is its own ancestor and does not expand it again', () => {
    const rows = treeRows(graph, new Set(['0', '0/4', '0/4/5', '0/4/5/4']));
    const cycle = rows.find((r) => r.key === '0/4/5/4')!;
    expect(cycle).toMatchObject({ cycle: true, expandable: false, expanded: false });
    expect(rows.at(-1)!.key).toBe('0/4/5/4');
  });
});

describe('treeKeyMove', () => {
  const rows = treeRows(graph, new Set(['0', '0/1']));
  it('moves like a tree: down, up, right opens then enters, left closes then goes to the parent', () => {
    expect(treeKeyMove(rows, '0', 'ArrowDown')).toEqual({ focus: '0/1' });
    expect(treeKeyMove(rows, '0/1', 'ArrowUp')).toEqual({ focus: '0' });
    expect(treeKeyMove(rows, '0/4', 'ArrowRight')).toEqual({ expand: '0/4' });
    expect(treeKeyMove(rows, '0/1', 'ArrowRight')).toEqual({ focus: '0/1/2' });
    expect(treeKeyMove(rows, '0/1', 'ArrowLeft')).toEqual({ collapse: '0/1' });
    expect(treeKeyMove(rows, '0/1/3', 'ArrowLeft')).toEqual({ focus: '0/1' });
    expect(treeKeyMove(rows, '0', 'End')).toEqual({ focus: '0/4' });
    expect(treeKeyMove(rows, '0/4', 'ArrowDown')).toBeNull();
  });
});

describe('closureTotals and findNode', () => {
  it('adds what the narinfos give and counts what is missing', () => {
    expect(closureTotals(graph)).toEqual({ paths: 6, narBytes: 500, fileBytes: 200, missing: 1, unusable: 0 });
  });
  it('finds a node by store path, base name, hash, or a name only one path has', () => {
    const leaf = graph.nodes[2]!;
    expect(findNode(graph, `/nix/store/${leaf.basename}`)).toBe(2);
    expect(findNode(graph, leaf.basename)).toBe(2);
    expect(findNode(graph, leaf.hash)).toBe(2);
    expect(findNode(graph, 'leaf')).toBe(2);
    expect(findNode(graph, 'nothing')).toBeUndefined();
    expect(findNode(graph, '  ')).toBeUndefined();
  });
});
