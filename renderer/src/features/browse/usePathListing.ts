import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { api } from '../../api/client';

export interface ListingProgress {
  listed: number;
  pages: number;
}

export const pathsKey = (cache: Pick<CacheView, 'id' | 'storeUrl'>) => ['paths', cache.id, cache.storeUrl] as const;

/**
 * The store paths of a cache, listed by a job. The query hands the job its AbortSignal, so react-query
 * cancels the job when nobody watches it any more (the user picked another cache, the view unmounted)
 * or when Refresh starts a new one. A finished listing is kept until Refresh: listing is the costly
 * part, and a cache does not change behind the user's back often enough to re-list on every visit.
 */
export function usePathListing(cache: CacheView) {
  const key = pathsKey(cache);
  const tag = `${cache.id} ${cache.storeUrl}`;
  // Tagged with the cache, because a cancelled job may still report a page after the switch.
  const [progress, setProgress] = useState<(ListingProgress & { tag: string }) | null>(null);
  const query = useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      setProgress({ tag, listed: 0, pages: 0 });
      const job = api.browse.listPaths({ cacheId: cache.id }, { signal, onProgress: (p) => setProgress({ tag, ...p }) });
      return (await job.result).entries;
    },
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
  return {
    entries: query.data,
    error: query.error,
    listing: query.isFetching,
    progress: query.isFetching && progress?.tag === tag ? progress : null,
    refresh: () => void query.refetch({ cancelRefetch: true }),
  };
}
