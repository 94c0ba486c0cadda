import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import './browse.css';
import type { CacheView } from '../../../../shared/api/contract';
import type { ApiError } from '../../../../shared/api/errors';
import { api } from '../../api/client';
import { useJobsPanel } from '../jobs/jobs-store';
import { SignDialog } from '../sign/SignDialog';
import { copyText } from '../../ui/clipboard';
import { CopyButton } from '../../ui/CopyButton';
import { formatCount, plural } from '../../ui/format';
import { useBrowseStore, useBrowseView } from './browse-store';
import { filterEntries, looksLikeHash, parseFilter, storePathOf } from './filter';
import type { PathListHandle } from './PathList';
import { PathList } from './PathList';
import { useNameResolution } from './useNameResolution';
import { usePathListing } from './usePathListing';

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** The store paths of one cache: listing progress, filter, the list, and what to do when it is empty. */
export function PathBrowser({ cache }: { cache: CacheView }) {
  const viewKey = `${cache.id} ${cache.storeUrl}`;
  const listing = usePathListing(cache);
  const { names, version, want, loadAll, loadingAll, stopLoadingAll } = useNameResolution(cache, listing.entries);
  const view = useBrowseView(viewKey);
  const setFilter = useBrowseStore((s) => s.setFilter);
  const select = useBrowseStore((s) => s.select);
  const showJobs = useJobsPanel((s) => s.show);
  const filterRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<PathListHandle>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [scrollbarWidth, setScrollbarWidth] = useState(0);
  const [signing, setSigning] = useState(false);

  // Typing stays responsive while 100 000 rows are filtered behind it.
  const filterText = useDeferredValue(view.filter);
  const filter = useMemo(() => parseFilter(filterText), [filterText]);
  // Names arriving only change the result of a name search, so only then do they re-filter.
  const nameVersion = filter.text !== '' && !filter.hash ? version : 0;
  const visible = useMemo(
    () => (listing.entries ? filterEntries(listing.entries, filter, names.nameOf) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- nameVersion stands for the contents of `names`, which mutate in place
    [listing.entries, filter, names, nameVersion],
  );

  useEffect(() => listRef.current?.scrollToSelection(), [filter]);

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

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const onSelect = useCallback((hash: string) => select(viewKey, hash), [select, viewKey]);
  const onActivate = useCallback(
    (hash: string) => {
      const name = names.nameOf(hash);
      const text = storePathOf(hash, name);
      copyText(text).then(
        () => setCopied(name ? `Copied ${text}` : `Copied ${text} (the name is not loaded yet)`),
        () => setCopied('Could not copy to the clipboard.'),
      );
    },
    [names],
  );
  const clearFilter = useCallback(() => setFilter(viewKey, ''), [setFilter, viewKey]);
  const refresh = () => {
    names.forgetErrors();
    listing.refresh();
  };

  const total = listing.entries?.length;
  const selectedName = view.selected ? names.nameOf(view.selected) : undefined;
  const selectedVisible = view.selected !== null && visible?.some((e) => e.hash === view.selected);

  // An HTTP server has no directory listing: that is a fact about the cache, not something to retry.
  if (listing.error && (listing.error as ApiError).code === 'read-only') {
    return (
      <section className="browser" aria-label="Store paths">
        <div className="state state--info">
          <p className="state__title">This HTTP cache cannot be listed</p>
          <p className="state__detail">{listing.error.message}</p>
        </div>
      </section>
    );
  }

  let status: string;
  if (listing.progress) status = `Listing… ${plural(listing.progress.listed, 'path')} so far`;
  else if (total === undefined) status = listing.error ? 'Listing failed' : '';
  else if (filter.text && visible) status = `${formatCount(visible.length)} of ${plural(total, 'path')}`;
  else status = plural(total, 'path');

  return (
    <section className="browser" aria-label="Store paths" style={{ ['--scrollbar-width' as string]: `${scrollbarWidth}px` }}>
      <div className="browser__toolbar">
        <div className="browser__status" role="status" aria-live="polite" aria-label="Path count">
          {status}
        </div>
        {total !== undefined && total > 0 && (
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
                  else listRef.current?.focus();
                } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                  e.preventDefault();
                  // The first ↓ from the filter lands on the first match, as in a combo box.
                  if (!selectedVisible && visible?.length) onSelect(visible[0]!.hash);
                  listRef.current?.focus();
                }
              }}
            />
            <kbd className="browser__filter-key" aria-hidden="true">
              /
            </kbd>
          </div>
        )}
        {listing.listing && listing.jobId && (
          <>
            <button type="button" className="button button--small" onClick={() => showJobs(listing.jobId!)}>
              Show in Jobs
            </button>
            <button type="button" className="button" onClick={() => void api.jobs.cancel({ jobId: listing.jobId! }).catch(() => undefined)}>
              Stop listing
            </button>
          </>
        )}
        {cache.writable && (
          <button type="button" className="button" onClick={() => setSigning(true)}>
            Sign paths…
          </button>
        )}
        <button type="button" className="button" onClick={refresh} disabled={listing.listing}>
          {listing.listing ? 'Listing…' : 'Refresh'}
        </button>
      </div>
      {signing && (
        <SignDialog
          cache={cache}
          // The selected path, as the starting point; its hash alone when its name is not loaded.
          initialPaths={selectedVisible && view.selected ? [selectedName ? storePathOf(view.selected, selectedName) : view.selected] : []}
          onClose={() => setSigning(false)}
        />
      )}

      {total !== undefined && total > 0 && ((filter.text !== '' && !filter.hash && !looksLikeHash(filter.text) && names.size < total) || loadingAll) && (
        <div className="names-hint" role="status" aria-label="Names">
          {loadingAll ? (
            <>
              <span className="spinner" aria-hidden="true" /> Loading names… {formatCount(Math.min(names.size, total))} of {plural(total, 'path')}
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  // The button goes away: keep the keyboard on the list, where the advertised keys work.
                  stopLoadingAll();
                  listRef.current?.focus();
                }}
              >
                Stop
              </button>
            </>
          ) : (
            <>
              Names are loaded for {formatCount(names.size)} of {plural(total, 'path')}, so a name search finds only those; hashes are always searched in full.
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  loadAll();
                  listRef.current?.focus();
                }}
              >
                Load all names
              </button>
            </>
          )}
        </div>
      )}

      {listing.error && visible !== undefined && (
        <div className="browser__listing-error" role="alert">
          <span>
            <strong>Could not list the store paths</strong>, so the list is incomplete: {listing.error.message}
          </span>
          <button type="button" className="button button--small" onClick={refresh}>
            Try again
          </button>
        </div>
      )}

      {listing.listing && (
        <div className="progress" role="progressbar" aria-label="Listing store paths" aria-valuetext={status}>
          <div className="progress__bar" />
        </div>
      )}

      {visible === undefined || (total === 0 && listing.listing) ? (
        listing.error ? (
          <ListingError error={listing.error} onRetry={refresh} />
        ) : (
          <div className="state">
            <span className="spinner spinner--large" aria-hidden="true" />
            <p className="state__title">Listing store paths…</p>
            <p className="state__detail">{listing.progress ? `${plural(listing.progress.listed, 'path')} found in ${plural(listing.progress.pages, 'page')}` : 'Starting'}</p>
          </div>
        )
      ) : total === 0 ? (
        <EmptyCache cache={cache} />
      ) : (
        <>
          <div className="browser__columns" aria-hidden="true">
            <span>Name</span>
            <span>Hash</span>
          </div>
          {visible.length === 0 ? (
            <div className="state">
              <p className="state__title">No paths match “{view.filter}”.</p>
              <p className="state__detail">
                Hashes are searched in all {plural(total!, 'path')}; names only in the {formatCount(Math.min(names.size, total!))} loaded so far.
              </p>
            </div>
          ) : (
            <div className="browser__list-frame">
              <PathList
                ref={listRef}
                entries={visible}
                names={names}
                namesVersion={version}
                selected={view.selected}
                onSelect={onSelect}
                onActivate={onActivate}
                onEscape={clearFilter}
                want={want}
                onScrollbarWidth={setScrollbarWidth}
              />
            </div>
          )}
          <footer className="browser__footer">
            <span className="browser__selection" role="status" aria-live="polite" aria-label="Selection">
              {copied ?? (selectedVisible && view.selected ? storePathOf(view.selected, selectedName) : 'Select a path: ↑ ↓ PgUp PgDn Home End move, Enter copies, / filters, Esc clears')}
            </span>
            {selectedVisible && view.selected && selectedName && <CopyButton text={storePathOf(view.selected, selectedName)} what="store path" />}
          </footer>
        </>
      )}
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

function ListingError({ error, onRetry }: { error: Error; onRetry(): void }) {
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">Could not list the store paths</p>
      <p className="state__detail">{error.message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
