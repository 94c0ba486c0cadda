import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import './nar.css';
import type { CacheView } from '../../../../shared/api/contract';
import type { NarPreviewView } from '../../../../shared/api/contract-nar';
import { formatCount, plural } from '../../ui/format';
import { formatBytes } from '../push/figures';
import { treeKey, treeRows, visibleRows, type TreeRow } from './file-tree';
import { emptyUi, uiKey, useNarUi } from './nar-store';
import { useNarListing, useNarPreview } from './queries';
import { NarSaveForm } from './SaveForm';

const rowHeight = 26;
const rowId = (index: number) => `nar-row-${index}`;

/** The files of a path's NAR, from its `.ls` listing or the NAR itself, with a preview. */
export function NarFilesTab({ cache, storePath }: { cache: CacheView; storePath: string }) {
  const listing = useNarListing(cache, storePath);
  if (listing.isPending) {
    return (
      <div className="state" aria-busy="true">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Reading the file listing…</p>
      </div>
    );
  }
  if (listing.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">The files cannot be listed</p>
        <p className="state__detail">{listing.error.message}</p>
        <div className="state__actions">
          <button type="button" className="button" onClick={() => void listing.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  const data = listing.data;
  return (
    <div className="nar-files">
      <p className="nar-files__source" aria-label="Listing source">
        {plural(data.total, 'entry', 'entries')}, {formatBytes(data.narSize)} of NAR —{' '}
        {data.source === 'ls' ? (
          <>
            from the cache&apos;s <code>.ls</code> listing
          </>
        ) : (
          <>read from the NAR itself ({data.compression === 'none' ? 'uncompressed' : `${data.compression}-compressed`}), no <code>.ls</code> listing in the cache</>
        )}
        {data.entries.length < data.total && <> (the first {formatCount(data.entries.length)} are shown)</>}
      </p>
      {data.note && (
        <p className="nar-files__note" role="note">
          {data.note}
        </p>
      )}
      <FilesAndPreview cache={cache} storePath={storePath} entries={data.entries} />
      <NarSaveForm cache={cache} storePath={storePath} compression={data.compression} />
    </div>
  );
}

function FilesAndPreview({ cache, storePath, entries }: { cache: CacheView; storePath: string; entries: Parameters<typeof treeRows>[0] }) {
  const key = uiKey(cache.id, storePath);
  const ui = useNarUi((s) => s.paths[key]) ?? emptyUi;
  const update = useNarUi((s) => s.update);
  const rows = useMemo(() => treeRows(entries), [entries]);
  const expanded = useMemo(() => new Set(ui.expanded), [ui.expanded]);
  const visible = useMemo(() => visibleRows(rows, expanded), [rows, expanded]);
  const [cursor, setCursor] = useState(() => {
    const at = ui.selected ? entries.findIndex((e) => e.path === ui.selected) : -1;
    return at >= 0 ? at : 0;
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });

  const toggle = (path: string) =>
    update(key, (u) => ({ ...u, expanded: u.expanded.includes(path) ? u.expanded.filter((p) => p !== path) : [...u.expanded, path] }));
  const select = (index: number) => {
    const row = rows[index]!;
    update(key, (u) => ({ ...u, selected: row.entry.path }));
  };
  const moveTo = (index: number) => {
    setCursor(index);
    const at = visible.indexOf(index);
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
  };

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const row = rows[cursor];
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (!row) return;
      if (row.entry.type === 'directory' && row.parent >= 0 && event.key === 'Enter') toggle(row.entry.path);
      select(cursor);
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight) / rowHeight) - 1);
    const next = treeKey(event.key, rows, visible, cursor, expanded, page);
    if (!next) return;
    event.preventDefault();
    if (next.toggle) toggle(next.toggle);
    moveTo(next.cursor);
  }

  const items = virtualizer.getVirtualItems();
  const cursorAt = visible.indexOf(cursor);
  const rendered = items.some((item) => item.index === cursorAt);
  return (
    // As tall as the open tree (so a small NAR leaves no empty box), between 260 and 460 pixels.
    <div className="nar-files__split" style={{ height: Math.min(460, Math.max(260, visible.length * rowHeight + 4)) }}>
      <div
        ref={scrollRef}
        className="nar-tree"
        role="tree"
        aria-label="Files"
        tabIndex={0}
        aria-activedescendant={rendered ? rowId(cursor) : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const index = visible[item.index]!;
            return (
              <TreeItem
                key={index}
                index={index}
                row={rows[index]!}
                start={item.start}
                open={expanded.has(rows[index]!.entry.path)}
                active={index === cursor}
                selected={rows[index]!.entry.path === ui.selected}
                onClick={() => {
                  setCursor(index);
                  select(index);
                  const row = rows[index]!;
                  if (row.entry.type === 'directory' && row.parent >= 0) toggle(row.entry.path);
                }}
              />
            );
          })}
        </div>
      </div>
      <Preview cache={cache} storePath={storePath} file={ui.selected} rows={rows} />
    </div>
  );
}

function TreeItem({ index, row, start, open, active, selected, onClick }: { index: number; row: TreeRow; start: number; open: boolean; active: boolean; selected: boolean; onClick: () => void }) {
  const { entry } = row;
  const isDir = entry.type === 'directory';
  return (
    <div
      id={rowId(index)}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={isDir && row.children > 0 ? open : undefined}
      aria-selected={selected}
      className={`nar-row${active ? ' nar-row--active' : ''}${selected ? ' nar-row--selected' : ''}`}
      style={{ transform: `translateY(${start}px)`, paddingLeft: 8 + row.depth * 16 }}
      onClick={onClick}
    >
      <span className="nar-row__twisty" aria-hidden="true">
        {isDir && row.children > 0 ? (open ? '▾' : '▸') : ''}
      </span>
      <span className={`nar-row__name nar-row__name--${entry.type}`}>{row.name}{isDir && row.parent >= 0 ? '/' : ''}</span>
      {entry.type === 'symlink' && <span className="nar-row__target">→ {entry.target}</span>}
      {entry.executable && <span className="nar-row__badge">executable</span>}
      <span className="nar-row__size">{entry.type === 'regular' ? formatBytes(entry.size ?? 0) : isDir ? plural(row.children, 'entry', 'entries') : ''}</span>
    </div>
  );
}

function Preview({ cache, storePath, file, rows }: { cache: CacheView; storePath: string; file: string | undefined; rows: readonly TreeRow[] }) {
  const row = file ? rows.find((r) => r.entry.path === file) : undefined;
  // Directories and symlinks are described from the listing; only files are read from the NAR.
  const wanted = row?.entry.type === 'regular' ? file : undefined;
  const preview = useNarPreview(cache, storePath, wanted);
  if (!file || !row) {
    return (
      <section className="nar-preview nar-preview--empty" aria-label="Preview">
        <p className="state__detail">Choose a file to see its first bytes (↑ ↓ move, → ← open and close folders, Enter shows).</p>
      </section>
    );
  }
  const { entry } = row;
  return (
    <section className="nar-preview" aria-label="Preview">
      <header className="nar-preview__header">
        <code className="nar-preview__path">{file}</code>
        <span className="nar-preview__facts">
          {entry.type === 'regular' && <>{formatBytes(entry.size ?? 0)}{entry.executable ? ', executable' : ''}</>}
          {entry.type === 'directory' && plural(row.children, 'entry', 'entries')}
          {entry.type === 'symlink' && 'symbolic link'}
        </span>
      </header>
      {entry.type === 'symlink' && (
        <p className="nar-preview__info">
          Points to <code>{entry.target}</code>
        </p>
      )}
      {entry.type === 'directory' && <p className="nar-preview__info">A folder; open it in the tree.</p>}
      {entry.type === 'regular' && preview.isPending && (
        <div className="state" aria-busy="true">
          <span className="spinner" aria-hidden="true" />
          <p className="state__detail">Reading the NAR up to this file…</p>
        </div>
      )}
      {entry.type === 'regular' && preview.error && (
        <p className="nar-preview__error" role="alert">
          {preview.error.message}
        </p>
      )}
      {entry.type === 'regular' && preview.data && <PreviewBody preview={preview.data} />}
    </section>
  );
}

function PreviewBody({ preview }: { preview: NarPreviewView }) {
  const cut = preview.truncated ? <p className="nar-preview__cut">Showing the first {formatBytes(preview.shownBytes)} of {formatBytes(preview.size ?? 0)}.</p> : null;
  if (preview.kind === 'empty') return <p className="nar-preview__info">An empty file.</p>;
  if (preview.kind === 'binary') {
    return (
      <>
        <p className="nar-preview__info">Binary file, {formatCount(preview.size ?? 0)} bytes. Its first bytes:</p>
        <pre className="nar-preview__hex" aria-label="Hex view">
          {preview.hex}
        </pre>
      </>
    );
  }
  return (
    <>
      {cut}
      <pre className="nar-preview__text" aria-label="File contents" tabIndex={0}>
        {preview.text}
      </pre>
    </>
  );
}
