import { useEffect } from 'react';
import type { CacheView } from '../../../shared/api/contract';
import { PathBrowser } from '../features/browse/PathBrowser';
import { forgetListing } from '../features/browse/usePathListing';
import { CacheHeader } from '../features/caches/CacheHeader';
import { ProblemPanel } from '../features/caches/ProblemPanel';
import { useCaches, useCacheTest, useSelectedCache } from '../features/caches/queries';
import { TestCancelled } from '../features/caches/test-runs';
import { useCacheUi } from '../features/caches/ui-store';

/**
 * The selected cache: its header, then its paths once a test says it is a cache, or what is wrong.
 * The test gates the listing so a bucket with bad credentials says so once, in plain words, instead
 * of failing twice.
 */
export function MainPanel() {
  const caches = useCaches();
  const cache = useSelectedCache();
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
          <p className="state__title">No cache selected</p>
          <p className="state__detail">Choose a cache in the list on the left.</p>
        </div>
      </main>
    );
  }
  return (
    <main className="main" aria-label={cache.name}>
      <CacheHeader cache={cache} test={test} />
      <CacheBody cache={cache} test={test} />
    </main>
  );
}

function CacheBody({ cache, test }: { cache: CacheView; test: ReturnType<typeof useCacheTest> }) {
  const problem = test.data?.status === 'problem';
  // A listing made before the cache broke (folder deleted, bucket emptied) says nothing about it
  // once it works again: list afresh then.
  useEffect(() => {
    if (problem) forgetListing(cache);
  }, [problem, cache]);

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
  return <PathBrowser key={`${cache.id} ${cache.storeUrl}`} cache={cache} />;
}
