import { useCaches, useSelectedCache } from '../caches/queries';
import { ClosurePanel, SelectedPaths } from './ClosurePanel';
import { PathPicker } from './PathPicker';
import { PushPanel } from './PushPanel';
import './push.css';

/**
 * Push store paths and their closures to the cache selected in the sidebar: choose paths on the left;
 * on the right, their closure against the cache, the options, and the push as it runs and ends.
 */
export function PushScreen() {
  const caches = useCaches();
  const cache = useSelectedCache();

  if (caches.isPending) return <main className="main main--center" aria-busy="true" aria-label="Push" />;
  if (!cache) {
    return (
      <main className="main main--center" aria-label="Push">
        <div className="state">
          <p className="state__title">No cache selected</p>
          <p className="state__detail">Choose the cache to push to in the list on the left, or add one.</p>
        </div>
      </main>
    );
  }
  if (!cache.writable) {
    return (
      <main className="main main--center" aria-label="Push">
        <div className="state">
          <p className="state__title">{cache.name} is read-only</p>
          <p className="state__detail">Narwhal reads HTTP caches but cannot write to them. Choose an S3 bucket or a folder cache to push to.</p>
        </div>
      </main>
    );
  }
  return (
    <main className="main push" aria-label="Push">
      <header className="push__header">
        <h1>Push</h1>
        <p className="push__target">
          to <strong>{cache.name}</strong> <code className="push__url">{cache.storeUrl}</code>
        </p>
      </header>
      <div className="push__body">
        <PathPicker />
        <div className="push__side">
          <SelectedPaths />
          <ClosurePanel cache={cache} />
          <PushPanel key={cache.id} cache={cache} />
        </div>
      </div>
    </main>
  );
}
