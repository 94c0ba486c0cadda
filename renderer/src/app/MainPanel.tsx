import { useEffect } from 'react';
import type { CacheView } from '../../../shared/api/contract';
import { PathBrowser } from '../features/browse/PathBrowser';
import { forgetRefresh } from '../features/browse/useIndexRefresh';
import { CacheHeader } from '../features/caches/CacheHeader';
import { ProblemPanel } from '../features/caches/ProblemPanel';
import { useCaches, useCacheTest, useSelectedCache } from '../features/caches/queries';
import { TestCancelled } from '../features/caches/test-runs';
import { useCacheUi } from '../features/caches/ui-store';
import { PathPage } from '../features/path/PathPage';
import { PolicyScreen } from '../features/policy/PolicyScreen';
import { StatsScreen } from '../features/stats/StatsScreen';
import type { CacheTab, Route } from './route';
import { navigate, useRoute } from './route';

type CachesRoute = Extract<Route, { view: 'caches' }>;

/**
 * The cache of the route (else the selected one): its header, its tabs (Paths, Stats, and Policy for
 * a bucket), and the tab, or a path's page. The paths wait for a test that says it is a cache, so a
 * bucket with bad credentials says so once, in plain words, instead of failing twice.
 */
export function MainPanel() {
  const caches = useCaches();
  const selected = useSelectedCache();
  const route = useRoute((s) => s.route) as CachesRoute;
  const cache = route.cacheId ? caches.data?.caches.find((c) => c.id === route.cacheId) : selected;
  const test = useCacheTest(cache);
  const open = useCacheUi((s) => s.open);

  if (caches.isPending) return <main className="main main--center" aria-busy="true" />;
  if (caches.data?.caches.length === 0) {
    // A first start (or every cache removed): nothing to select, so say how to get one.
    return (
      <main className="main main--center" aria-label="No caches">
        <div className="state">
          <p className="state__title">No caches yet</p>
          <p className="state__detail">Add an S3 bucket, a local folder or an HTTP cache, or paste the store URL you give nix copy --to.</p>
          <div className="state__actions">
            <button type="button" className="button button--primary" onClick={() => open({ kind: 'add' })}>
              Add cache…
            </button>
            <button type="button" className="button" onClick={() => open({ kind: 'add', startWith: 'import' })}>
              Import store URL…
            </button>
          </div>
        </div>
      </main>
    );
  }
  if (!cache) {
    return (
      <main className="main main--center">
        <div className="state">
          {route.cacheId ? (
            <>
              <p className="state__title">No such cache</p>
              <p className="state__detail">This link names a cache ({route.cacheId}) that is not saved here. Choose a cache in the list on the left.</p>
            </>
          ) : (
            <>
              <p className="state__title">No cache selected</p>
              <p className="state__detail">Choose a cache in the list on the left.</p>
            </>
          )}
        </div>
      </main>
    );
  }
  return (
    <main className="main" aria-label={cache.name}>
      <CacheHeader cache={cache} test={test} />
      <CacheTabs cache={cache} route={route} />
      <CacheBody cache={cache} test={test} route={route} />
    </main>
  );
}

const tabLabels: Record<CacheTab, string> = { paths: 'Paths', stats: 'Stats', policy: 'Policy' };
const tabsOf = (cache: CacheView): CacheTab[] => (cache.config.kind === 's3' ? ['paths', 'stats', 'policy'] : ['paths', 'stats']);

/** Links more than tabs: each is a URL, and a path's page sits under Paths. */
function CacheTabs({ cache, route }: { cache: CacheView; route: CachesRoute }) {
  return (
    <nav className="cache-tabs" aria-label="Cache views">
      {tabsOf(cache).map((tab) => (
        <a
          key={tab}
          className="cache-tabs__tab"
          href={`#/caches/${encodeURIComponent(cache.id)}/${tab}`}
          aria-current={route.tab === tab ? 'page' : undefined}
          onClick={(event) => {
            event.preventDefault();
            navigate({ view: 'caches', cacheId: cache.id, tab });
          }}
        >
          {tabLabels[tab]}
        </a>
      ))}
    </nav>
  );
}

function CacheBody({ cache, test, route }: { cache: CacheView; test: ReturnType<typeof useCacheTest>; route: CachesRoute }) {
  const tab = tabsOf(cache).includes(route.tab) ? route.tab : 'paths';
  const problem = test.data?.status === 'problem';
  // An index refreshed before the cache broke says nothing about it once it works again: refresh then.
  useEffect(() => {
    if (problem) forgetRefresh(cache);
  }, [problem, cache]);
  if (tab === 'stats') return <StatsScreen cache={cache} />;
  if (tab === 'policy') return <PolicyScreen cache={cache} />;

  if (test.isPending) {
    return (
      <div className="state">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Checking the cache…</p>
      </div>
    );
  }
  if (test.error instanceof TestCancelled) {
    // The user stopped waiting: not a failure, and the header's Test tries again.
    return (
      <div className="state" role="status">
        <p className="state__title">Test cancelled</p>
        <p className="state__detail">{test.error.message} Press Test to check the cache again.</p>
      </div>
    );
  }
  if (test.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">Could not test this cache</p>
        <p className="state__detail">{test.error.message}</p>
      </div>
    );
  }
  if (test.data.status === 'problem') return <ProblemPanel cache={cache} code={test.data.code} message={test.data.message} />;
  if (route.path) {
    return (
      <div className="path-frame">
        <nav className="path-frame__crumbs" aria-label="Breadcrumb">
          <a
            href={`#/caches/${encodeURIComponent(cache.id)}/paths`}
            className="path-frame__back"
            onClick={(event) => {
              event.preventDefault();
              navigate({ view: 'caches', cacheId: cache.id, tab: 'paths' });
            }}
          >
            ‹ Store paths
          </a>
          <span className="path-frame__here" aria-current="page">
            {route.path}
          </span>
        </nav>
        <PathPage cache={cache} path={route.path} tab={route.pathTab ?? 'overview'} />
      </div>
    );
  }
  return <PathBrowser key={`${cache.id} ${cache.storeUrl}`} cache={cache} />;
}
