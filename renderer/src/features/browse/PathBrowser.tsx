import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import './browse.css';
import type { CacheView } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import { navigate } from '../../app/route';
import { useJobsPanel } from '../jobs/jobs-store';
import { SignDialog } from '../sign/SignDialog';
import { CopyButton } from '../../ui/CopyButton';
import { formatCount, plural } from '../../ui/format';
import { browseViewOf, useBrowseStore, useBrowseView } from './browse-store';
import type { IndexSortColumn } from './columns';
import { baseNameOf, columns, formatModified, storePathOf } from './columns';
import { PathLookup } from './PathLookup';
import type { PathTableHandle } from './PathTable';
import { PathTable } from './PathTable';
import type { RefreshProgress } from './refresh-follower';
import { useIndexRefresh } from './useIndexRefresh';
import { useIndexRows } from './useIndexRows';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** The store paths of one cache: from its index when it can be listed, else a lookup box. */
export function PathBrowser({ cache }: { cache: CacheView }) {
  if (cache.config.kind === 'http') return <PathLookup cache={cache} />;
  return <IndexBrowser cache={cache} />;
}

/** What a running refresh has done, in words. */
export function refreshText(progress: RefreshProgress | null): string {
  if (!progress) return 'Refreshing the index…';
  const errors = progress.errors ? `, ${plural(progress.errors, 'error')}` : '';
  if (progress.phase === 'listing') return `Refreshing the index… ${plural(progress.listed, 'key')} listed`;
  return `Refreshing the index… ${plural(progress.listed, 'key')} listed, ${formatCount(progress.read)} of ${plural(progress.toRead, 'narinfo')} read${errors}`;
}

/**
 * The table of a cache's index: shown at once as the index last was, while a refresh (a job) brings
 * it up to date; filtered and sorted by the index (SQLite), so the filter covers every path.
 */
function IndexBrowser({ cache }: { cache: CacheView }) {
  const viewKey = `${cache.id} ${cache.storeUrl}`;
  const refresh = useIndexRefresh(cache);
  const view = useBrowseView(viewKey);
  const { setFilter, setSort, select, setScrollTop } = useBrowseStore.getState();
  const showJobs = useJobsPanel((s) => s.show);
  const filterRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<PathTableHandle>(null);
  const [range, setRange] = useState({ first: 0, last: 40 });
  const [signing, setSigning] = useState(false);

  const rows = useIndexRows({ cacheId: cache.id, storeUrl: cache.storeUrl, filter: view.filter, sort: view.sort, generation: refresh.generation }, range);
  // How many paths there are at all, for "12 of 100,000 paths".
  const all = useQuery({
    queryKey: ['index-total', cache.id, cache.storeUrl, refresh.generation],
    queryFn: ({ signal }) => api.index.page({ cacheId: cache.id, offset: 0, limit: 1 }, { signal }),
    placeholderData: (previous) => previous,
  });
  const allTotal = all.data?.total;

  // `/` jumps to the filter from anywhere in the window, as in many list UIs; not while typing or in a dialog.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      filterRef.current?.focus();
      filterRef.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onRange = useCallback((first: number, last: number) => setRange((r) => (r.first === first && r.last === last ? r : { first, last })), []);
  const onLeave = useCallback((scrollTop: number) => setScrollTop(viewKey, scrollTop), [setScrollTop, viewKey]);
  const onSelect = useCallback((index: number) => select(viewKey, { index, hash: rows.rowAt(index)?.hash }), [select, viewKey, rows]);
  const onOpen = useCallback(
    (index: number) => {
      const row = rows.rowAt(index);
      if (!row) return;
      select(viewKey, { index, hash: row.hash });
      navigate({ view: 'caches', cacheId: cache.id, tab: 'paths', path: baseNameOf(row), pathTab: 'overview' });
    },
    [rows, select, viewKey, cache.id],
  );
  const clearFilter = useCallback(() => setFilter(viewKey, ''), [setFilter, viewKey]);
  const onSort = useCallback(
    (column: IndexSortColumn) => {
      const current = browseViewOf(viewKey).sort;
      const firstDescending = columns.find((c) => c.id === column)?.firstDescending ?? false;
      setSort(viewKey, current.column === column ? { column, descending: !current.descending } : { column, descending: firstDescending });
    },
    [setSort, viewKey],
  );

  const total = rows.total;
  const filtering = view.filter.trim() !== '';
  const selectedRow = view.selected ? rows.rowAt(view.selected.index) : undefined;
  const progress = refresh.running ? refresh.progress : null;
  const fraction = progress?.phase === 'reading' && progress.toRead > 0 ? progress.read / progress.toRead : undefined;
  const summary = refresh.summary;

  let status = '';
  if (allTotal !== undefined) status = filtering && total !== undefined ? `${formatCount(total)} of ${plural(allTotal, 'path')}` : plural(allTotal, 'path');

  const table = () => {
    if (rows.error && total === undefined) return <ListingError title="Could not read the index" error={rows.error} onRetry={refresh.refresh} />;
    if (total === undefined || allTotal === undefined) {
      return (
        <div className="state">
          <span className="spinner spinner--large" aria-hidden="true" />
          <p className="state__title">Opening the index…</p>
        </div>
      );
    }
    if (allTotal === 0) {
      if (refresh.running) {
        return (
          <div className="state">
            <span className="spinner spinner--large" aria-hidden="true" />
            <p className="state__title">Indexing store paths…</p>
            <p className="state__detail">{refreshText(refresh.progress).replace('Refreshing the index… ', '')}</p>
          </div>
        );
      }
      if (refresh.error) return <ListingError title="Could not list the store paths" error={refresh.error} onRetry={refresh.refresh} />;
      return <EmptyCache cache={cache} />;
    }
    return (
      <>
        {total === 0 && rows.current ? (
          <div className="state">
            <p className="state__title">No paths match “{view.filter.trim()}”.</p>
            <p className="state__detail">The names and hashes of all {plural(allTotal, 'path')} were searched.</p>
          </div>
        ) : (
          <div className="browser__table-frame">
            <PathTable
              ref={tableRef}
              count={total}
              rowAt={rows.rowAt}
              rowsVersion={rows.blocks}
              sort={view.sort}
              onSort={onSort}
              selected={view.selected?.index ?? null}
              onSelect={onSelect}
              onOpen={onOpen}
              onEscape={clearFilter}
              onRange={onRange}
              initialScrollTop={view.scrollTop}
              onLeave={onLeave}
            />
          </div>
        )}
        <footer className="browser__footer">
          <span className="browser__selection" role="status" aria-live="polite" aria-label="Selection">
            {selectedRow ? storePathOf(selectedRow) : 'Select a path: ↑ ↓ PgUp PgDn Home End move, Enter opens it, / filters, Esc clears'}
          </span>
          {selectedRow && <CopyButton text={storePathOf(selectedRow)} what="store path" />}
        </footer>
      </>
    );
  };

  return (
    // data-shown-filter: the filter the rows on screen answer (an end-to-end test times keystrokes by it).
    <section className="browser" aria-label="Store paths" data-shown-filter={rows.shownFilter} aria-busy={!rows.current}>
      <div className="browser__toolbar">
        <div className="browser__status" role="status" aria-live="polite" aria-label="Path count">
          {status}
        </div>
        <div className="browser__filter">
          <input
            ref={filterRef}
            type="search"
            className="input"
            aria-label="Filter paths"
            placeholder="Filter by name or hash"
            value={view.filter}
            onChange={(e) => setFilter(viewKey, e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                if (view.filter) clearFilter();
                else tableRef.current?.focus();
              } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                // The first ↓ from the filter lands on the first match, as in a combo box.
                if (!view.selected && total) onSelect(0);
                tableRef.current?.focus();
              }
            }}
          />
          <kbd className="browser__filter-key" aria-hidden="true">
            /
          </kbd>
        </div>
        {refresh.running && refresh.jobId && (
          <>
            <button type="button" className="button button--small" onClick={() => showJobs(refresh.jobId!)}>
              Show in Jobs
            </button>
            <button type="button" className="button button--small" onClick={() => void api.jobs.cancel({ jobId: refresh.jobId! }).catch(() => undefined)}>
              Stop refresh
            </button>
          </>
        )}
        {cache.writable && (
          <button type="button" className="button" onClick={() => setSigning(true)}>
            Sign paths…
          </button>
        )}
        <button type="button" className="button" onClick={refresh.refresh} disabled={refresh.running}>
          {refresh.running ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {signing && <SignDialog cache={cache} initialPaths={selectedRow ? [storePathOf(selectedRow)] : []} onClose={() => setSigning(false)} />}

      {refresh.running ? (
        <div className="browser__refresh" role="status" aria-label="Index refresh">
          <span>{refreshText(progress)}</span>
          <div
            className="progress"
            role="progressbar"
            aria-label="Refreshing the index"
            aria-valuetext={refreshText(progress)}
            {...(fraction !== undefined ? { 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(fraction * 100) } : {})}
          >
            <div className={fraction !== undefined ? 'progress__fill' : 'progress__bar'} style={fraction !== undefined ? { width: `${fraction * 100}%` } : undefined} />
          </div>
        </div>
      ) : (
        (rows.refreshedAt || summary) && (
          <div className="browser__refresh browser__refresh--done" role="status" aria-label="Index refresh">
            {rows.refreshedAt && <span>Index as of {formatModified(Date.parse(rows.refreshedAt))}</span>}
            {summary && (
              <span>
                {' '}
                · last refresh: {formatCount(summary.added)} added, {formatCount(summary.changed)} changed, {formatCount(summary.removed)} removed, {plural(summary.read, 'narinfo')} read
              </span>
            )}
            {summary && summary.errors > 0 && <span className="browser__refresh-errors"> · {plural(summary.errors, 'narinfo')} cannot be used (shown in red)</span>}
          </div>
        )
      )}

      {refresh.error && allTotal !== undefined && allTotal > 0 && (
        <div className="browser__listing-error" role="alert">
          <span>
            <strong>Could not refresh the index</strong>, so it may be out of date: {refresh.error.message}
          </span>
          <button type="button" className="button button--small" onClick={refresh.refresh}>
            Try again
          </button>
        </div>
      )}

      {table()}
    </section>
  );
}

function EmptyCache({ cache }: { cache: CacheView }) {
  const command = `nix copy --to '${cache.storeUrl}' ./result`;
  return (
    <div className="state state--empty">
      <svg className="state__icon" viewBox="0 0 48 48" aria-hidden="true">
        <path d="M8 17 24 9l16 8v16l-16 8-16-8z M8 17l16 8 16-8 M24 25v16" />
      </svg>
      <p className="state__title">This cache is empty</p>
      <p className="state__detail">Push store paths to it with nix copy --to and its store URL:</p>
      <div className="command">
        <code>{command}</code>
        <CopyButton text={`nix copy --to '${cache.storeUrl}' `} what="nix copy command" />
      </div>
    </div>
  );
}

function ListingError({ title, error, onRetry }: { title: string; error: Error; onRetry(): void }) {
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">{title}</p>
      <p className="state__detail">{error.message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

