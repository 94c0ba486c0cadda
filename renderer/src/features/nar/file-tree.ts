import type { NarEntryView } from '../../../../shared/api/contract-nar';

/**
 * The NAR's flat listing (NAR order: a directory, then its entries, depth first) as a tree the page
 * shows row by row: only rows whose every ancestor directory is expanded are visible.
 */
export interface TreeRow {
  entry: NarEntryView;
  name: string;
  depth: number;
  /** Index of the parent row in `entries`, -1 for the root. */
  parent: number;
  /** Number of direct children (directories only). */
  children: number;
}

export function parentOf(path: string): string | undefined {
  if (path === '/') return undefined;
  const at = path.lastIndexOf('/');
  return at === 0 ? '/' : path.slice(0, at);
}

/** One row per entry, with depth, parent and child counts, in NAR order. */
export function treeRows(entries: readonly NarEntryView[]): TreeRow[] {
  const index = new Map<string, number>();
  const rows: TreeRow[] = [];
  entries.forEach((entry, i) => {
    index.set(entry.path, i);
    const parentPath = parentOf(entry.path);
    const parent = parentPath === undefined ? -1 : (index.get(parentPath) ?? -1);
    const depth = parent < 0 ? 0 : rows[parent]!.depth + 1;
    if (parent >= 0) rows[parent]!.children++;
    rows.push({ entry, name: entry.path === '/' ? '/' : entry.path.slice(entry.path.lastIndexOf('/') + 1), depth, parent, children: 0 });
  });
  return rows;
}

/** Indices of the rows shown when the directories in `expanded` (by path) are open. */
export function visibleRows(rows: readonly TreeRow[], expanded: ReadonlySet<string>): number[] {
  const out: number[] = [];
  // A row is shown when its parent is shown and expanded; rows come after their parent.
  const shown = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    if (row.parent < 0 || (shown[row.parent] && expanded.has(rows[row.parent]!.entry.path))) {
      shown[i] = 1;
      out.push(i);
    }
  });
  return out;
}

/** Where a key moves the cursor in the tree (and what to expand or collapse), as WAI-ARIA's tree pattern says. */
export function treeKey(
  key: string,
  rows: readonly TreeRow[],
  visible: readonly number[],
  cursor: number,
  expanded: ReadonlySet<string>,
  page = 10,
): { cursor: number; toggle?: string } | undefined {
  const at = Math.max(0, visible.indexOf(cursor));
  const row = rows[cursor];
  const isDir = row?.entry.type === 'directory';
  switch (key) {
    case 'ArrowDown':
      return { cursor: visible[Math.min(visible.length - 1, at + 1)]! };
    case 'ArrowUp':
      return { cursor: visible[Math.max(0, at - 1)]! };
    case 'PageDown':
      return { cursor: visible[Math.min(visible.length - 1, at + page)]! };
    case 'PageUp':
      return { cursor: visible[Math.max(0, at - page)]! };
    case 'Home':
      return { cursor: visible[0]! };
    case 'End':
      return { cursor: visible[visible.length - 1]! };
    case 'ArrowRight':
      if (!row || !isDir || row.children === 0) return undefined;
      if (!expanded.has(row.entry.path)) return { cursor, toggle: row.entry.path };
      return { cursor: visible[Math.min(visible.length - 1, at + 1)]! };
    case 'ArrowLeft':
      if (row && isDir && expanded.has(row.entry.path) && row.parent >= 0) return { cursor, toggle: row.entry.path };
      return row && row.parent >= 0 ? { cursor: row.parent } : undefined;
    default:
      return undefined;
  }
}
