import { useEffect } from 'react';
import './path.css';
import type { CacheView } from '../../../../shared/api/contract';
import { navigate, type PathTab } from '../../app/route';
import { CopyButton } from '../../ui/CopyButton';
import { BuildLogTab } from '../nar/BuildLogTab';
import { NarFilesTab } from '../nar/NarFilesTab';
import { ClosureTab } from './ClosureTab';
import { OverviewTab } from './OverviewTab';
import { nameOf } from './path-text';
import { useChosenKeys, usePathInfo } from './queries';

const tabs: Array<{ tab: PathTab; label: string }> = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'closure', label: 'Closure' },
  { tab: 'files', label: 'Files' },
  { tab: 'log', label: 'Build log' },
];

/** Goes to a path's page in the same cache (a reference, a referrer, a node of the closure). */
export function openPath(cache: CacheView, path: string, tab: PathTab = 'overview'): void {
  navigate({ view: 'caches', cacheId: cache.id, tab: 'paths', path, pathTab: tab });
}

/** One store path of a cache: narinfo, signatures, closure, files, build log. */
export function PathPage({ cache, path, tab }: { cache: CacheView; path: string; tab: PathTab }) {
  const { keys } = useChosenKeys();
  const info = usePathInfo(cache, path, keys);
  const basename = info.data?.basename ?? (path.length > 33 ? path.slice(path.lastIndexOf('/') + 1) : undefined);
  const hash = info.data?.hash ?? path.slice(path.lastIndexOf('/') + 1).slice(0, 32);
  const storePath = basename ? `/nix/store/${basename}` : undefined;

  // A bookmark or a pasted hash shows the name in the address bar once the narinfo says it.
  useEffect(() => {
    if (info.data?.basename && info.data.basename !== path && path === info.data.hash) {
      navigate({ view: 'caches', cacheId: cache.id, tab: 'paths', path: info.data.basename, pathTab: tab }, { replace: true });
    }
  }, [info.data, path, cache.id, tab]);

  const onTabKey = (event: React.KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length]!;
    openPath(cache, path, next.tab);
    requestAnimationFrame(() => document.getElementById(`path-tab-${next.tab}`)?.focus());
  };

  return (
    <section className="path-page" aria-label={`Store path ${basename ? nameOf(basename) : hash}`}>
      <header className="path-page__header">
        <div className="path-page__title">
          <h2>{basename ? nameOf(basename) : hash}</h2>
          <code className="path-page__hash" aria-label="Hash">
            {hash}
          </code>
        </div>
        {storePath && (
          <div className="path-page__store-path">
            <code aria-label="Store path">{storePath}</code>
            <CopyButton text={storePath} what="store path" />
          </div>
        )}
      </header>
      <div className="path-page__tabs" role="tablist" aria-label="Path views">
        {tabs.map((t, index) => (
          <button
            key={t.tab}
            id={`path-tab-${t.tab}`}
            type="button"
            role="tab"
            className="path-page__tab"
            aria-selected={t.tab === tab}
            aria-controls="path-tabpanel"
            tabIndex={t.tab === tab ? 0 : -1}
            onClick={() => openPath(cache, path, t.tab)}
            onKeyDown={(event) => onTabKey(event, index)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="path-page__panel" id="path-tabpanel" role="tabpanel" aria-labelledby={`path-tab-${tab}`}>
        {tab === 'overview' && <OverviewTab cache={cache} path={path} info={info} />}
        {tab === 'closure' && <ClosureTab cache={cache} path={path} />}
        {tab === 'files' && (storePath ? <NarFilesTab cache={cache} storePath={storePath} /> : <Waiting info={info} />)}
        {tab === 'log' && (storePath ? <BuildLogTab cache={cache} storePath={storePath} /> : <Waiting info={info} />)}
      </div>
    </section>
  );
}

/** The files and the log need the full store path, which a bare hash in the URL does not give until the narinfo is read. */
function Waiting({ info }: { info: ReturnType<typeof usePathInfo> }) {
  if (info.error) return <div className="state state--error" role="alert"><p className="state__detail">{info.error.message}</p></div>;
  if (info.data && !info.data.found) return <div className="state"><p className="state__title">Not in this cache</p></div>;
  return (
    <div className="state" aria-busy="true">
      <span className="spinner spinner--large" aria-hidden="true" />
    </div>
  );
}
