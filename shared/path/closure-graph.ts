/**
 * A closure as the cache records it: nodes (paths) and their references as indices into `nodes`, the
 * root first. What the tree, the totals and "why is B in the closure of A" are computed from, in the
 * page, without asking the main process again.
 */
export interface ClosureNode {
  hash: string;
  /** `<hash>-<name>` when known (from the narinfo or a referrer's References), else the hash. */
  basename: string;
  /** present: a usable narinfo; missing: the cache has no narinfo; unusable: the narinfo is broken. */
  state: 'present' | 'missing' | 'unusable';
  /** Why it is unusable. */
  error?: string;
  narSize?: number;
  fileSize?: number;
  /** Indices of the references, the path itself left out (see selfReference). */
  refs: number[];
  selfReference?: boolean;
}

export interface ClosureGraph {
  /** `nodes[0]` is the root. */
  nodes: ClosureNode[];
}

export interface ClosureTotals {
  paths: number;
  /** Over the paths whose narinfo gives the size. */
  narBytes: number;
  fileBytes: number;
  missing: number;
  unusable: number;
}

export function closureTotals(graph: ClosureGraph): ClosureTotals {
  const totals: ClosureTotals = { paths: graph.nodes.length, narBytes: 0, fileBytes: 0, missing: 0, unusable: 0 };
  for (const node of graph.nodes) {
    totals.narBytes += node.narSize ?? 0;
    totals.fileBytes += node.fileSize ?? 0;
    if (node.state === 'missing') totals.missing += 1;
    if (node.state === 'unusable') totals.unusable += 1;
  }
  return totals;
}

/**
 * The node a user means by `text`: a store path, a base name, a hash, or (when exactly one path has it)
 * a name. `undefined` when nothing or more than one name matches.
 */
export function findNode(graph: ClosureGraph, text: string): number | undefined {
  const wanted = text.trim().replace(/\/+$/, '');
  if (wanted === '') return undefined;
  const base = wanted.slice(wanted.lastIndexOf('/') + 1);
  const exact = graph.nodes.findIndex((n) => n.basename === base || n.hash === base);
  if (exact >= 0) return exact;
  const byName = graph.nodes.flatMap((n, i) => (n.basename.slice(33) === base ? [i] : []));
  return byName.length === 1 ? byName[0] : undefined;
}

/**
 * A shortest chain of references from `from` to `to` (both included), breadth first; `[from]` when
 * they are the same; null when `to` is not in the closure of `from`.
 */
export function whyChain(graph: ClosureGraph, to: number, from = 0): number[] | null {
  if (from === to) return [from];
  const parent = new Map<number, number>([[from, -1]]);
  let frontier = [from];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const at of frontier) {
      for (const ref of graph.nodes[at]!.refs) {
        if (parent.has(ref)) continue;
        parent.set(ref, at);
        if (ref === to) {
          const chain = [to];
          for (let p = at; p !== -1; p = parent.get(p)!) chain.push(p);
          return chain.reverse();
        }
        next.push(ref);
      }
    }
    frontier = next;
  }
  return null;
}

/** One visible row of the closure tree. */
export interface TreeRow {
  /** The indices from the root down to this node, joined by `/`: unique per row, stable across renders. */
  key: string;
  node: number;
  depth: number;
  parentKey?: string;
  /** Has references and is not a repeat of an ancestor. */
  expandable: boolean;
  expanded: boolean;
  /** It is one of its own ancestors: a cycle in the cache's References (Nix never makes one). */
  cycle: boolean;
  /** The path already appeared in a row above (a shared subtree); it can still be expanded here. */
  repeat: boolean;
}

/**
 * The rows of the tree with the keys in `expanded` open, depth first in reference order. Only open
 * rows' children are produced, so a closure of thousands of paths costs what is on screen. A node that
 * is its own ancestor is shown once more, marked, and not expanded (no infinite tree).
 */
export function treeRows(graph: ClosureGraph, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const shown = new Set<number>();
  if (graph.nodes.length === 0) return rows;
  const visit = (node: number, key: string, depth: number, ancestors: number[], parentKey?: string) => {
    const cycle = ancestors.includes(node);
    const expandable = !cycle && graph.nodes[node]!.refs.length > 0;
    const open = expandable && expanded.has(key);
    rows.push({ key, node, depth, ...(parentKey !== undefined ? { parentKey } : {}), expandable, expanded: open, cycle, repeat: shown.has(node) });
    shown.add(node);
    if (!open) return;
    const path = [...ancestors, node];
    for (const child of graph.nodes[node]!.refs) visit(child, `${key}/${child}`, depth + 1, path, key);
  };
  visit(0, '0', 0, []);
  return rows;
}

/** Keyboard moves in the tree (WAI-ARIA tree pattern): which row to focus, and what to open or close. */
export type TreeMove = { focus: string } | { expand: string } | { collapse: string } | null;

export function treeKeyMove(rows: readonly TreeRow[], current: string, key: string): TreeMove {
  const at = rows.findIndex((r) => r.key === current);
  if (at < 0) return rows[0] ? { focus: rows[0].key } : null;
  const row = rows[at]!;
  switch (key) {
    case 'ArrowDown':
      return rows[at + 1] ? { focus: rows[at + 1]!.key } : null;
    case 'ArrowUp':
      return at > 0 ? { focus: rows[at - 1]!.key } : null;
    case 'Home':
      return { focus: rows[0]!.key };
    case 'End':
      return { focus: rows[rows.length - 1]!.key };
    case 'ArrowRight':
      if (row.expandable && !row.expanded) return { expand: row.key };
      if (row.expanded && rows[at + 1]) return { focus: rows[at + 1]!.key };
      return null;
    case 'ArrowLeft':
      if (row.expanded) return { collapse: row.key };
      return row.parentKey !== undefined ? { focus: row.parentKey } : null;
    default:
      return null;
  }
}
