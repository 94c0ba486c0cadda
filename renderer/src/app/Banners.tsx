import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { connectionLost, useConnectionStore } from './connection-store';
import { useNoticesStore } from './notices-store';

export const appInfoKey = ['app', 'info'] as const;

export function useAppInfo() {
  return useQuery({ queryKey: appInfoKey, queryFn: () => api.app.info(), staleTime: Infinity });
}

export function ConnectionBanner() {
  const lost = useConnectionStore(connectionLost);
  if (!lost) return null;
  return (
    <div className="banner banner--error" role="status">
      <span className="spinner" aria-hidden="true" />
      Connection to Narwhal lost — reconnecting…
    </div>
  );
}

export function NoticesBanner() {
  const info = useAppInfo();
  const dismissed = useNoticesStore((s) => s.dismissed);
  const dismiss = useNoticesStore((s) => s.dismiss);
  const notices = (info.data?.notices ?? []).filter((n) => !dismissed.has(n.message));
  if (notices.length === 0) return null;
  return (
    <div className="banners" role="region" aria-label="Notices">
      {notices.map((notice) => (
        <div key={notice.message} className={`banner banner--${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
          <span className="banner__text">{notice.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => dismiss(notice.message)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
