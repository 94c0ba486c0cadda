import type { KeyboardEvent } from 'react';
import './caches.css';
import { cacheSubtitle } from './cache-subtitle';
import { KindIcon, kindLabels } from './KindBadge';
import { useCaches, useSelectCache } from './queries';
import { useCacheUi } from './ui-store';

/** Up/Down move between caches like a list; Enter or Space opens the focused one. */
function moveFocus(event: KeyboardEvent<HTMLElement>) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button.cache-link')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    event.key === 'Home' ? 0 : event.key === 'End' ? buttons.length - 1 : Math.min(buttons.length - 1, Math.max(0, at + (event.key === 'ArrowDown' ? 1 : -1)));
  buttons[next]?.focus();
  event.preventDefault();
}

export function CacheSidebar() {
  const caches = useCaches();
  const select = useSelectCache();
  const openDialog = useCacheUi((s) => s.open);
  const list = caches.data?.caches ?? [];

  return (
    <aside className="sidebar" aria-label="Saved caches">
      <div className="sidebar__head">
        <h2 className="sidebar__title">Caches</h2>
        <button type="button" className="button button--primary button--small" onClick={() => openDialog({ kind: 'add' })}>
          Add cache
        </button>
      </div>
      {caches.isPending && <p className="sidebar__note">Loading…</p>}
      {caches.error && (
        <p className="sidebar__note sidebar__note--error" role="alert">
          Could not load the saved caches: {caches.error.message}
        </p>
      )}
      {caches.data && list.length === 0 && <p className="sidebar__note">None saved yet.</p>}
      <nav aria-label="Caches" onKeyDown={moveFocus}>
        <ul className="cache-list">
          {list.map((cache) => {
            const selected = cache.id === caches.data?.selectedId;
            return (
              <li key={cache.id}>
                <button
                  type="button"
                  className="cache-link"
                  aria-current={selected ? 'true' : undefined}
                  aria-description={kindLabels[cache.config.kind]}
                  title={cache.storeUrl}
                  onClick={() => !selected && select.mutate(cache.id)}
                >
                  <KindIcon kind={cache.config.kind} />
                  <span className="cache-link__text">
                    <span className="cache-link__name">
                      {cache.name}
                      {cache.builtIn && <span className="tag">built-in</span>}
                    </span>
                    <span className="cache-link__detail">{cacheSubtitle(cache.config)}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </nav>
    </aside>
  );
}
