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
    // Events sent while the socket was down are lost, and so are the jobs it carried (their results
    // never arrive): refetch everything, but re-list only listings that were cut off.
    void queryClient.invalidateQueries({
      predicate: (query) => query.queryKey[0] !== 'paths' || query.state.fetchStatus === 'fetching',
    });
  }, [reconnects, queryClient]);
}
