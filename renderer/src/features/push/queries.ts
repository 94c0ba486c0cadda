import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Server state of the Push screen: what is in the local store, and a closure against a cache. */
export const pushQueries = {
  roots: ['local', 'roots'] as const,
  search: (query: string) => ['local', 'search', query] as const,
  /** Every closure; a finished push makes them all stale (the cache has more now). */
  closures: ['local', 'closure'] as const,
  closure: (paths: readonly string[], cacheId: string | undefined) => ['local', 'closure', cacheId ?? '', [...paths].sort().join(' ')] as const,
};

export function useRoots() {
  return useQuery({ queryKey: pushQueries.roots, queryFn: ({ signal }) => api.local.roots(undefined, { signal }), staleTime: 30_000 });
}

/** Store paths whose name contains `query` (already debounced by the caller); off for an empty query. */
export function useStoreSearch(query: string) {
  const trimmed = query.trim();
  return useQuery({
    queryKey: pushQueries.search(trimmed),
    queryFn: ({ signal }) => api.local.search({ query: trimmed, limit: 50 }, { signal }),
    enabled: trimmed.length > 0,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

/**
 * The closure of the chosen paths and what the cache has of it. Keyed by the paths (as a set) and the
 * cache, so adding a path or choosing another cache asks again, and the old question is aborted.
 */
export function useClosure(paths: readonly string[], cacheId: string | undefined) {
  return useQuery({
    queryKey: pushQueries.closure(paths, cacheId),
    queryFn: ({ signal }) => api.local.closure({ paths: [...paths], ...(cacheId ? { cacheId } : {}) }, { signal }),
    enabled: paths.length > 0,
    staleTime: 10_000,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === (cacheId ?? '') ? previous : undefined),
  });
}

/** A typed, pasted or dropped path or `result` link, as the store path it names. */
export function useResolvePath() {
  return useMutation({ mutationFn: (input: string) => api.local.resolve({ input }) });
}
