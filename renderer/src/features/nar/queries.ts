import { useQuery } from '@tanstack/react-query';
import type { CacheView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { api } from '../../api/client';
import { useJobs } from '../jobs/useJobs';

export const narQueries = {
  listing: (cacheId: string, path: string) => ['nar', 'listing', cacheId, path] as const,
  preview: (cacheId: string, path: string, file: string) => ['nar', 'preview', cacheId, path, file] as const,
  log: (cacheId: string, path: string) => ['nar', 'log', cacheId, path] as const,
};

export function useNarListing(cache: CacheView, storePath: string) {
  return useQuery({
    queryKey: narQueries.listing(cache.id, storePath),
    queryFn: ({ signal }) => api.nar.listing({ cacheId: cache.id, path: storePath }, { signal }),
    staleTime: Infinity,
    retry: false,
  });
}

export function useNarPreview(cache: CacheView, storePath: string, file: string | undefined) {
  return useQuery({
    queryKey: narQueries.preview(cache.id, storePath, file ?? ''),
    queryFn: ({ signal }) => api.nar.preview({ cacheId: cache.id, path: storePath, file: file! }, { signal }),
    enabled: file !== undefined,
    staleTime: Infinity,
    retry: false,
  });
}

export function useBuildLog(cache: CacheView, storePath: string) {
  return useQuery({
    queryKey: narQueries.log(cache.id, storePath),
    queryFn: ({ signal }) => api.nar.buildLog({ cacheId: cache.id, path: storePath }, { signal }),
    staleTime: Infinity,
    retry: false,
  });
}

/** A job of the jobs list by id (it lives in the main process; `jobs.updated` keeps the list current). */
export function useJob(jobId: string | undefined): JobView | undefined {
  const { jobs } = useJobs();
  return jobId ? jobs.find((job) => job.id === jobId) : undefined;
}
