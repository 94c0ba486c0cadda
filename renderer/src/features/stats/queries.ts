import { useQuery } from '@tanstack/react-query';
import type { CacheView } from '../../../../shared/api/contract';
import type { StatsPathKind } from '../../../../shared/api/contract-stats';
import type { JobView } from '../../../../shared/api/jobs';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { api } from '../../api/client';
import { useJobs } from '../jobs/useJobs';

/**
 * Server state of the Stats tab. The numbers are read from the index as it is; a refresh of this cache
 * (started here, from the table, or in another window) is followed through the jobs list, and the
 * numbers are read again when it ends.
 */

/** The newest refresh job of this cache, if any. */
export function latestRefresh(jobs: readonly JobView[], identity: string): JobView | undefined {
  return jobs.find((job) => job.kind === 'index.refresh' && job.subject === identity);
}

export function useCacheRefresh(cache: CacheView) {
  const { jobs } = useJobs();
  const job = latestRefresh(jobs, cacheIdentity(cache.config));
  const running = job?.state === 'running' || job?.state === 'queued';
  // Changes when a refresh starts or ends: the numbers are read again then.
  const generation = job ? `${job.id} ${running ? 'running' : job.state}` : 'none';
  return { job, running, generation, start: () => void api.index.refresh({ cacheId: cache.id }) };
}

export function useStats(cacheId: string, generation: string) {
  return useQuery({
    queryKey: ['index-stats', cacheId, generation],
    queryFn: ({ signal }) => api.index.stats({ cacheId }, { signal }),
    placeholderData: (previous) => previous,
  });
}

export function useCharts(cacheId: string, generation: string, enabled: boolean) {
  return useQuery({
    queryKey: ['index-charts', cacheId, generation],
    queryFn: ({ signal }) => api.index.charts({ cacheId }, { signal }),
    placeholderData: (previous) => previous,
    enabled,
  });
}

export function useStatsPaths(cacheId: string, kind: StatsPathKind | null, generation: string) {
  return useQuery({
    queryKey: ['index-stats-paths', cacheId, kind, generation],
    queryFn: ({ signal }) => api.index.statsPaths({ cacheId, kind: kind!, limit: 500 }, { signal }),
    enabled: kind !== null,
  });
}
