import type { ClipboardEvent, DragEvent, FormEvent } from 'react';
import { useId, useState } from 'react';
import { formatCount } from '../../ui/format';
import { usePushUi } from './push-store';
import { useResolvePath, useRoots, useStoreSearch } from './queries';
import { useDebounced } from './useDebounced';

const rootSources = { 'home-profile': 'Your profile', profiles: 'Profiles', system: 'System', 'gc-root': 'GC roots' } as const;

/** A dropped file or link arrives as text, or as a file:// URL in a URI list. */
function droppedText(data: DataTransfer): string {
  const uris = data.getData('text/uri-list');
  if (uris) {
    const first = uris.split(/\r?\n/).find((line) => line && !line.startsWith('#'));
    if (first?.startsWith('file://')) return decodeURIComponent(new URL(first).pathname);
  }
  return data.getData('text/plain');
}

/**
 * Where the paths to push come from: a typed, pasted or dropped path (a `result` link works), a search
 * over the store by name, and the roots (profiles, the system, GC roots).
 */
export function PathPicker() {
  return (
    <section className="push__pick" aria-labelledby="push-pick">
      <h2 id="push-pick">Choose what to push</h2>
      <PathField />
      <StoreSearch />
      <RootList />
    </section>
  );
}

function PathField() {
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const add = usePushUi((s) => s.add);
  const resolve = useResolvePath();

  const resolveAll = async (input: string) => {
    const entries = input.split(/[\r\n]+/).map((line) => line.trim()).filter(Boolean);
    if (entries.length === 0) return;
    setError(null);
    const failed: string[] = [];
    for (const entry of entries) {
      try {
        add((await resolve.mutateAsync(entry)).storePath);
      } catch (e) {
        failed.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failed.length) {
      setText(entries.length === 1 ? entries[0]! : input);
      setError(failed.join(' '));
    } else setText('');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void resolveAll(text);
  };
  // A paste into an empty field is taken at once, like a drop: that is what the user meant.
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    if (text.trim()) return;
    const pasted = event.clipboardData.getData('text');
    if (!pasted.trim()) return;
    event.preventDefault();
    setText(pasted.trim());
    void resolveAll(pasted);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const dropped = droppedText(event.dataTransfer);
    if (!dropped.trim()) return;
    setText(dropped.trim());
    void resolveAll(dropped);
  };

  return (
    <form
      className={`push-field${dragging ? ' push-field--drop' : ''}`}
      onSubmit={onSubmit}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <label className="field__label" htmlFor={id}>
        Store path or result link
      </label>
      <div className="input-row">
        <input
          id={id}
          className="input input--mono"
          value={text}
          placeholder="/nix/store/…-hello or ~/project/result"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={Boolean(error)}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          onChange={(event) => {
            setText(event.target.value);
            setError(null);
          }}
          onPaste={onPaste}
        />
        <button type="submit" className="button" disabled={!text.trim() || resolve.isPending}>
          {resolve.isPending ? <span className="spinner" aria-label="Resolving" /> : 'Add'}
        </button>
      </div>
      <div className="field__hint" id={`${id}-hint`}>
        Type, paste or drop a path; a file inside a store path or a link to one adds that store path.
      </div>
      {error && (
        <div className="field__error" id={`${id}-error`} role="alert">
          {error}
        </div>
      )}
    </form>
  );
}

function StoreSearch() {
  const id = useId();
  const [query, setQuery] = useState('');
  const settled = useDebounced(query, 250);
  const search = useStoreSearch(settled);
  const selected = usePushUi((s) => s.selected);
  const add = usePushUi((s) => s.add);
  const matches = settled.trim() ? (search.data?.matches ?? []) : [];
  const more = (search.data?.total ?? 0) - matches.length;

  return (
    <div className="push-search">
      <label className="field__label" htmlFor={id}>
        Search the store by name
      </label>
      <input
        id={id}
        type="search"
        className="input"
        value={query}
        placeholder="hello, python3, my-app…"
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && query) {
            event.preventDefault();
            setQuery('');
          }
        }}
      />
      {settled.trim() && (
        <div className="push-search__results" aria-busy={search.isFetching}>
          {search.error ? (
            <p className="field__error" role="alert">
              Could not search the store: {search.error.message}
            </p>
          ) : search.isPending ? (
            <p className="push__muted">
              <span className="spinner" aria-hidden="true" /> Searching…
            </p>
          ) : matches.length === 0 ? (
            <p className="push__muted">No store path has “{settled.trim()}” in its name.</p>
          ) : (
            <ul className="pick-list" aria-label="Search results">
              {matches.map((match) => (
                <PickRow key={match.path} path={match.path} title={match.name} added={selected.includes(match.path)} onAdd={() => add(match.path)} />
              ))}
            </ul>
          )}
          {more > 0 && !search.error && <p className="push__muted">and {formatCount(more)} more: type more of the name.</p>}
        </div>
      )}
    </div>
  );
}

function RootList() {
  const roots = useRoots();
  const selected = usePushUi((s) => s.selected);
  const add = usePushUi((s) => s.add);
  const list = roots.data?.roots ?? [];

  return (
    <div className="push-roots">
      <h3 className="field__label">Profiles, system and GC roots</h3>
      {roots.isPending ? (
        <p className="push__muted">
          <span className="spinner" aria-hidden="true" /> Reading the roots…
        </p>
      ) : roots.error ? (
        <p className="field__error" role="alert">
          Could not list the roots: {roots.error.message}{' '}
          <button type="button" className="link-button" onClick={() => void roots.refetch()}>
            Try again
          </button>
        </p>
      ) : list.length === 0 ? (
        <p className="push__muted">No profiles or GC roots on this machine. Search the store or type a path instead.</p>
      ) : (
        <ul className="pick-list pick-list--roots" aria-label="Roots">
          {list.map((root) => (
            <PickRow
              key={`${root.link} ${root.storePath}`}
              path={root.storePath}
              title={root.label}
              kind={rootSources[root.source]}
              added={selected.includes(root.storePath)}
              onAdd={() => add(root.storePath)}
            />
          ))}
        </ul>
      )}
      {roots.data?.warnings.map((warning) => (
        <p key={warning} className="push__muted push__warning">
          {warning}
        </p>
      ))}
    </div>
  );
}

function PickRow({ path, title, kind, added, onAdd }: { path: string; title: string; kind?: string; added: boolean; onAdd(): void }) {
  return (
    <li className="pick-row">
      <div className="pick-row__text">
        <span className="pick-row__title" title={title}>
          {kind && <span className="tag">{kind}</span>} {title}
        </span>
        <code className="pick-row__path" title={path}>
          {path}
        </code>
      </div>
      <button type="button" className="button button--small" disabled={added} aria-label={added ? `${title} added` : `Add ${title}`} onClick={onAdd}>
        {added ? 'Added' : 'Add'}
      </button>
    </li>
  );
}
