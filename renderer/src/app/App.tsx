import { CacheDialogs } from '../features/caches/CacheDialogs';
import { CacheSidebar } from '../features/caches/CacheSidebar';
import { ConnectionBanner, NoticesBanner, useAppInfo } from './Banners';
import { MainPanel } from './MainPanel';

export function App() {
  const info = useAppInfo();
  return (
    <div className="app">
      <header className="topbar">
        <span className="topbar__logo" aria-hidden="true" />
        <span className="topbar__name">Narwhal</span>
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
        <MainPanel />
      </div>
      <CacheDialogs />
    </div>
  );
}
