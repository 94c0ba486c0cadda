import { useVirtualizer } from '@tanstack/react-virtual';
import type { KeyboardEvent, Ref } from 'react';
import { memo, useEffect, useImperativeHandle, useMemo, useRef } from 'react';
import type { PathEntry } from '../../../../shared/api/contract';
import { nextIndex } from './list-keys';
import type { NameCache, NameResult } from './name-cache';

export const rowHeight = 34;
const optionId = (hash: string) => `path-${hash}`;

export interface PathListHandle {
  focus(): void;
  scrollToSelection(): void;
}

interface PathListProps {
  entries: readonly PathEntry[];
  names: NameCache;
  /** Changes whenever names arrive; rows read names from `names`. */
  namesVersion: number;
  selected: string | null;
  onSelect(hash: string): void;
  onActivate(hash: string): void;
  onEscape(): void;
  want(hashes: readonly string[]): void;
  /** The width the list's scrollbar takes (0 for overlay scrollbars), so column heads can line up. */
  onScrollbarWidth?(width: number): void;
  ref?: Ref<PathListHandle>;
}

const PathRow = memo(function PathRow({
  entry,
  result,
  index,
  count,
  start,
  selected,
  onSelect,
  onActivate,
}: {
  entry: PathEntry;
  result: NameResult | undefined;
  index: number;
  count: number;
  start: number;
  selected: boolean;
  onSelect(hash: string): void;
  onActivate(hash: string): void;
}) {
  const name = entry.name ?? (result && 'name' in result ? result.name : undefined);
  const error = result && 'error' in result ? result.error : undefined;
  return (
    <div
      role="option"
      id={optionId(entry.hash)}
      aria-selected={selected}
      aria-setsize={count}
      aria-posinset={index + 1}
      aria-label={name !== undefined ? `${name}, ${entry.hash}` : error !== undefined ? `${entry.hash}, ${error}` : entry.hash}
      className={selected ? 'path-row path-row--selected' : 'path-row'}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onSelect(entry.hash)}
      onDoubleClick={() => onActivate(entry.hash)}
    >
      <span className="path-row__name">
        {name !== undefined ? (
          name
        ) : error !== undefined ? (
          <span className="path-row__error" title={error}>
            {error}
          </span>
        ) : (
          <span className="path-row__placeholder" aria-hidden="true" />
        )}
      </span>
      <code className="path-row__hash">{entry.hash}</code>
    </div>
  );
});

/**
 * The virtualised list box: only the rows in view (plus a few) exist in the DOM, so 100 000 paths
 * scroll like 100. The focus stays on the list itself and `aria-activedescendant` names the
 * selected row, the usual pattern for a list whose options come and go.
 */
export function PathList({ entries, names, namesVersion, selected, onSelect, onActivate, onEscape, want, onScrollbarWidth, ref }: PathListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => entries[index]!.hash,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  const selectedIndex = useMemo(() => (selected === null ? -1 : entries.findIndex((e) => e.hash === selected)), [entries, selected]);

  useEffect(() => {
    if (last < first) return;
    want(entries.slice(first, last + 1).map((e) => e.hash));
  }, [entries, first, last, want]);

  const totalSize = virtualizer.getTotalSize();
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onScrollbarWidth) return;
    const report = () => onScrollbarWidth(el.offsetWidth - el.clientWidth);
    report();
    const observer = new ResizeObserver(report);
    observer.observe(el);
    return () => observer.disconnect();
  }, [onScrollbarWidth, totalSize]);

  useImperativeHandle(ref, () => ({
    focus: () => scrollRef.current?.focus(),
    scrollToSelection: () => {
      if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
      else virtualizer.scrollToOffset(0);
    },
  }));

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Enter') {
      if (selected !== null && selectedIndex >= 0) onActivate(selected);
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape') {
      onEscape();
      return;
    }
    const pageSize = Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight);
    const next = nextIndex(event.key, selectedIndex, entries.length, pageSize);
    if (next === null) return;
    event.preventDefault();
    onSelect(entries[next]!.hash);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  const activeRendered = selectedIndex >= first && selectedIndex <= last;
  // namesVersion is read so a new batch of names re-renders the rows in view (rows are memoised).
  void namesVersion;

  return (
    <div
      ref={scrollRef}
      className="path-list"
      role="listbox"
      aria-label="Store paths"
      tabIndex={0}
      aria-activedescendant={activeRendered && selected ? optionId(selected) : undefined}
      onKeyDown={onKeyDown}
    >
      <div className="path-list__sizer" style={{ height: totalSize }}>
        {items.map((item) => {
          const entry = entries[item.index]!;
          return (
            <PathRow
              key={entry.hash}
              entry={entry}
              result={names.get(entry.hash)}
              index={item.index}
              count={entries.length}
              start={item.start}
              selected={entry.hash === selected}
              onSelect={onSelect}
              onActivate={onActivate}
            />
          );
        })}
      </div>
    </div>
  );
}
