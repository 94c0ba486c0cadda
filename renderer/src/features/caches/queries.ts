import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CacheView } from '../../../../shared/api/contract';
import type { CacheConfig } from '../../../../shared/caches/config';
import { api } from '../../api/client';
import { runTest } from './test-runs';

/**
 * Server state of the caches feature. Test results are keyed by the store URL as well as the id, so
 * editing a connection (here or in another window) makes a fresh test rather than showing a stale one.
 */
export const cacheKeys = {
  list: ['caches'] as const,
  test: (cache: Pick<CacheView, 'id' | 'storeUrl'>) => ['test', cache.id, cache.storeUrl] as const,
  profiles: ['aws', 'profiles'] as const,
};

type CacheList = Awaited<ReturnType<typeof api.caches.list>>;

export function useCaches() {
  return useQuery({ queryKey: cacheKeys.list, queryFn: () => api.caches.list(), staleTime: Infinity });
}

export function useSelectedCache(): CacheView | undefined {
  const { data } = useCaches();
  return data?.caches.find((c) => c.id === data.selectedId);
}

/** Selection is saved by the main process (it survives restarts); the list shows it at once. */
export function useSelectCache() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (cacheId: string) => api.caches.select({ cacheId }),
    onMutate: async (cacheId) => {
      await queryClient.cancelQueries({ queryKey: cacheKeys.list });
      queryClient.setQueryData<CacheList>(cacheKeys.list, (old) => (old ? { ...old, selectedId: cacheId } : old));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: cacheKeys.list }),
  });
}

export function useCacheTest(cache: CacheView | undefined) {
  return useQuery({
    queryKey: cache ? cacheKeys.test(cache) : ['test', 'none'],
    // Cancellable by the user (the test line's Cancel) and when no view waits any more; see runTest.
    queryFn: ({ signal }) => runTest(cache!.id, signal, (callSignal) => api.caches.test({ cacheId: cache!.id }, { signal: callSignal })),
    enabled: cache !== undefined,
    staleTime: 60_000,
  });
}

export function useSaveCache() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { cacheId?: string; name: string; config: CacheConfig }) => {
      const saved = input.cacheId
        ? await api.caches.update({ cacheId: input.cacheId, name: input.name, config: input.config })
        : await api.caches.add({ name: input.name, config: input.config });
      // A cache just added is the one the user wants to look at.
      if (!input.cacheId) await api.caches.select({ cacheId: saved.id });
      return saved;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cacheKeys.list }),
  });
}

export function useRemoveCache() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (cacheId: string) => api.caches.remove({ cacheId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cacheKeys.list }),
  });
}

export function useInitialiseCache(cache: CacheView) {
  const queryClient = useQueryClient();
  return useMutation({
    // Only what the user changed on a cache that has a nix-cache-info: the service keeps the rest as it is.
    mutationFn: (request: { wantMassQuery?: boolean; priority?: number }) => api.caches.initialise({ cacheId: cache.id, ...request }),
    // Re-test: the header and the path list follow the test result.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: cacheKeys.test(cache) }),
  });
}

export function useAwsProfiles(enabled: boolean) {
  return useQuery({ queryKey: cacheKeys.profiles, queryFn: () => api.aws.profiles(), enabled, staleTime: 10_000 });
}
