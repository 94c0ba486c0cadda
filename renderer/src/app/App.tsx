import { CacheDialogs } from '../features/caches/CacheDialogs';
import { CacheSidebar } from '../features/caches/CacheSidebar';
import { ConnectionBanner, NoticesBanner, useAppInfo } from './Banners';
import { MainPanel } from './MainPanel';
import { KeysScreen } from '../features/keys/KeysScreen';
import { JobsButton, JobsPanel } from '../features/jobs/JobsPanel';
import { PushScreen } from '../features/push/PushScreen';
import { CopyScreen } from '../features/copy/CopyScreen';
import type { View } from './view-store';
import { showView, useRoute } from './route';
import { useRouteSelection } from './useRouteSelection';

const views: Array<{ view: View; label: string }> = [
  { view: 'caches', label: 'Caches' },
  { view: 'push', label: 'Push' },
  { view: 'copy', label: 'Copy' },
  { view: 'keys', label: 'Keys' },
];

export function App() {
  const info = useAppInfo();
  const view = useRoute((s) => s.route.view);
  useRouteSelection();
  return (
    <div className="app">
      <header className="topbar">
        <span className="topbar__logo" aria-hidden="true" />
        <span className="topbar__name">Narwhal</span>
        <nav className="topbar__nav" aria-label="Screens">
          {views.map((item) => (
            <button
              key={item.view}
              type="button"
              className="topbar__tab"
              aria-current={view === item.view ? 'page' : undefined}
              onClick={() => showView(item.view)}
            >
              {item.label}
            </button>
          ))}
        </nav>
        <JobsButton />
        {info.data && (
          <span className="topbar__meta">
            v{info.data.version}
            {info.data.shell === 'browser' && <span className="topbar__shell">browser mode</span>}
          </span>
        )}
      </header>
      <ConnectionBanner />
      <NoticesBanner />
      <div className="app__body">
        <CacheSidebar />
        {view === 'keys' ? <KeysScreen /> : view === 'push' ? <PushScreen /> : view === 'copy' ? <CopyScreen /> : <MainPanel />}
      </div>
      <JobsPanel />
      <CacheDialogs />
    </div>
  );
}
