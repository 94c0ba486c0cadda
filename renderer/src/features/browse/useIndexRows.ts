import { useEffect, useRef, useState } from 'react';
import type { IndexRow } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import type { TableSort } from './browse-store';

/** Rows are read in blocks of this many: a screenful or two, so a jump anywhere costs one small query. */
export const blockSize = 100;

export interface RowsState {
  /** What these rows answer: the cache, filter, sort and generation they were read for. */
  key: string;
  /** Rows matching the filter; undefined until the first answer. */
  total: number | undefined;
  refreshedAt: string | undefined;
  blocks: ReadonlyMap<number, readonly IndexRow[]>;
  error: Error | null;
}

interface Query {
  cacheId: string;
  /** What the cache is: an edited connection is another index under the same id. */
  storeUrl: string;
  filter: string;
  sort: TableSort;
  /** Bumped when the index changed under the same filter and sort (a refresh read narinfos). */
  generation: number;
}

const keyOf = (q: Query) => JSON.stringify([q.cacheId, q.storeUrl, q.filter.trim(), q.sort.column, q.sort.descending, q.generation]);

/**
 * The rows of the table that are on screen, read from the index in blocks as they come into view.
 * A new filter, sort or generation reads the blocks in view afresh and keeps showing the previous
 * rows until they arrive (no flash of empty rows between keystrokes); answers to questions no longer
 * asked are dropped, and their requests aborted.
 */
export function useIndexRows(query: Query, visible: { first: number; last: number }) {
  const key = keyOf(query);
  const [state, setState] = useState<RowsState>({ key: '', total: undefined, refreshedAt: undefined, blocks: new Map(), error: null });
  // Blocks being read for the current key, and what reads them.
  const pending = useRef<{ key: string; blocks: Set<number>; abort: AbortController }>({ key: '', blocks: new Set(), abort: new AbortController() });
  const queryRef = useRef(query);
  queryRef.current = query;

  const firstBlock = Math.floor(Math.max(0, visible.first) / blockSize);
  const lastBlock = Math.floor(Math.max(0, visible.last) / blockSize);

  useEffect(() => {
    if (pending.current.key !== key) {
      pending.current.abort.abort();
      pending.current = { key, blocks: new Set(), abort: new AbortController() };
    }
    const current = pending.current;
    // A new key starts from the first rows in view; until its total is known, the old total bounds the range.
    const have = state.key === key ? state.blocks : new Map<number, readonly IndexRow[]>();
    const total = state.key === key ? state.total : undefined;
    const lastWanted = total === undefined ? firstBlock : Math.min(lastBlock, Math.max(0, Math.ceil(total / blockSize) - 1));
    for (let block = firstBlock; block <= Math.max(firstBlock, lastWanted); block++) {
      if (have.has(block) || current.blocks.has(block)) continue;
      current.blocks.add(block);
      const q = queryRef.current;
      const filter = q.filter.trim();
      api.index
        .page(
          { cacheId: q.cacheId, offset: block * blockSize, limit: blockSize, ...(filter ? { filter } : {}), sort: { column: q.sort.column, descending: q.sort.descending } },
          { signal: current.abort.signal },
        )
        .then(
          (page) => {
            if (pending.current !== current) return;
            current.blocks.delete(block);
            setState((old) => {
              const blocks = new Map(old.key === key ? old.blocks : []);
              blocks.set(block, page.rows);
              return { key, total: page.total, refreshedAt: page.refreshedAt, blocks, error: null };
            });
          },
          (error: Error) => {
            // The block stays marked as asked, so it is not asked again and again: a new filter, sort or
            // refresh (or Refresh) asks afresh.
            if (pending.current !== current) return;
            setState((old) => ({ ...old, error }));
          },
        );
    }
  }, [key, firstBlock, lastBlock, state]);

  useEffect(() => () => pending.current.abort.abort(), []);

  const rowAt = (index: number): IndexRow | undefined => state.blocks.get(Math.floor(index / blockSize))?.[index % blockSize];
  // The filter the rows on screen answer (what the e2e timing of a keystroke waits for).
  const shownFilter = state.key ? (JSON.parse(state.key) as string[])[2] : undefined;
  return { ...state, current: state.key === key, shownFilter, rowAt };
}
