import { useVirtualizer } from '@tanstack/react-virtual';
import type { KeyboardEvent, Ref } from 'react';
import { memo, useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';
import type { IndexRow } from '../../../../shared/api/contract';
import type { TableSort } from './browse-store';
import type { IndexSortColumn } from './columns';
import { cellText, columns } from './columns';
import { nextIndex } from './list-keys';

export const rowHeight = 34;
const rowId = (index: number) => `path-row-${index}`;

export interface PathTableHandle {
  focus(): void;
}

interface PathTableProps {
  /** Rows matching the filter. */
  count: number;
  rowAt(index: number): IndexRow | undefined;
  /** Changes when rows arrive, so the rows in view are drawn again. */
  rowsVersion: unknown;
  sort: TableSort;
  onSort(column: IndexSortColumn): void;
  selected: number | null;
  onSelect(index: number): void;
  /** Opens the path's page (a click, or Enter on the selected row). */
  onOpen(index: number): void;
  onEscape(): void;
  onRange(first: number, last: number): void;
  /** Where the scroll was when the table was last left, and where to say it is now. */
  initialScrollTop: number;
  onLeave(scrollTop: number): void;
  ref?: Ref<PathTableHandle>;
}

const PathRow = memo(function PathRow({ row, index, start, selected, onOpen }: { row: IndexRow | undefined; index: number; start: number; selected: boolean; onOpen(index: number): void }) {
  const broken = row?.error !== undefined;
  const className = `path-row${selected ? ' path-row--selected' : ''}${broken ? ' path-row--broken' : ''}`;
  if (!row) {
    return (
      <div role="row" id={rowId(index)} aria-rowindex={index + 2} aria-selected={selected} aria-busy="true" className={className} style={{ transform: `translateY(${start}px)` }}>
        <div role="gridcell" className="path-cell path-cell--name">
          <span className="path-row__placeholder" aria-hidden="true" />
        </div>
      </div>
    );
  }
  return (
    <div
      role="row"
      id={rowId(index)}
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-label={broken ? `${row.hash}, ${row.error}` : `${row.name}, ${row.hash}`}
      className={className}
      style={{ transform: `translateY(${start}px)` }}
      onClick={() => onOpen(index)}
    >
      {columns.map((column) => {
        const text = cellText(row, column.id);
        return (
          <div
            key={column.id}
            role="gridcell"
            className={`path-cell path-cell--${column.id}${column.numeric ? ' path-cell--numeric' : ''}${column.id === 'signatures' && row.signers.length === 0 && !broken ? ' path-cell--unsigned' : ''}`}
            title={column.id === 'name' || column.id === 'hash' || column.id === 'signatures' ? text : undefined}
          >
            {column.id === 'name' && broken ? <span className="path-row__error">{text}</span> : text}
          </div>
        );
      })}
    </div>
  );
});

/**
 * The virtualised table: only the rows in view (plus a few) exist in the DOM, and only their blocks are
 * read from the index, so 100 000 paths scroll like 100. The focus stays on the grid itself and
 * `aria-activedescendant` names the selected row, the usual pattern for a list whose rows come and go.
 * The column heads sit inside the scroller (sticky), so they line up with the rows whatever the scrollbar.
 */
export function PathTable({ count, rowAt, rowsVersion, sort, onSort, selected, onSelect, onOpen, onEscape, onRange, initialScrollTop, onLeave, ref }: PathTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const scrollTop = useRef(initialScrollTop);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    initialOffset: initialScrollTop,
    // The sticky heads take the first row's height of the scroller.
    scrollPaddingStart: rowHeight,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => onRange(first, last), [first, last, onRange]);

  // Leaving for a path's page and coming back finds the table where it was.
  useLayoutEffect(() => () => onLeave(scrollTop.current), [onLeave]);

  useImperativeHandle(ref, () => ({ focus: () => scrollRef.current?.focus() }));

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // Keys on a column head's button are the button's.
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter') {
      if (selected !== null) onOpen(selected);
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape') {
      onEscape();
      return;
    }
    const pageSize = Math.floor(((scrollRef.current?.clientHeight ?? rowHeight) - rowHeight) / rowHeight);
    const next = nextIndex(event.key, selected ?? -1, count, pageSize);
    if (next === null) return;
    event.preventDefault();
    onSelect(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  }

  void rowsVersion;
  const activeRendered = selected !== null && selected >= first && selected <= last;

  return (
    <div
      ref={scrollRef}
      className="path-table"
      role="grid"
      aria-label="Store paths"
      aria-rowcount={count + 1}
      aria-colcount={columns.length}
      tabIndex={0}
      aria-activedescendant={activeRendered ? rowId(selected) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(event) => {
        scrollTop.current = event.currentTarget.scrollTop;
      }}
    >
      <div role="rowgroup" className="path-table__head">
        <div role="row" aria-rowindex={1} className="path-row path-row--head">
          {columns.map((column) => {
            const sorted = sort.column === column.id;
            return (
              <div
                key={column.id}
                role="columnheader"
                aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                className={`path-cell path-cell--${column.id}${column.numeric ? ' path-cell--numeric' : ''}`}
              >
                <button type="button" className="path-table__sort" onClick={() => onSort(column.id)}>
                  {column.label}
                  <span className="path-table__arrow" aria-hidden="true">
                    {sorted ? (sort.descending ? '▼' : '▲') : ''}
                  </span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="path-table__body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rowAt(item.index);
          // Keyed by the path too: when a new sort or filter puts another path at this place, it is a
          // new element, so a click aimed at the old one (by a user or a test) cannot open the new one.
          return <PathRow key={`${item.index} ${row?.hash ?? ''}`} row={row} index={item.index} start={item.start} selected={item.index === selected} onOpen={onOpen} />;
        })}
      </div>
    </div>
  );
}
