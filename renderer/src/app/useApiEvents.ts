import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { client } from '../api/client';
import { cacheKeys } from '../features/caches/queries';
import { useConnectionStore } from './connection-store';

/** Pushed events and reconnections, turned into refetches and banners. */
export function useApiEvents(): void {
  const queryClient = useQueryClient();
  const reconnects = useConnectionStore((s) => s.reconnects);

  useEffect(() => {
    const offChanged = client.on('caches.changed', () => void queryClient.invalidateQueries({ queryKey: cacheKeys.list }));
    return offChanged;
  }, [queryClient]);

  useEffect(() => {
    if (reconnects === 0) return;
    // Events sent while the socket was down are lost: refetch what the page shows. Jobs went on in
    // the main process; the client asks where the ones it follows stand by itself.
    void queryClient.invalidateQueries();
  }, [reconnects, queryClient]);
}
