import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import { api, client } from '../../api/client';

export const jobsKey = ['jobs'] as const;

/** Puts an updated job in the list, newest first, replacing its older state. */
export function upsertJob(jobs: readonly JobView[], view: JobView): JobView[] {
  const index = jobs.findIndex((job) => job.id === view.id);
  if (index < 0) return [view, ...jobs];
  const next = jobs.slice();
  next[index] = view;
  return next;
}

/**
 * Every job of the main process (started by this window or another, before a reload or after), kept
 * current by the `jobs.updated` events, which come at most about ten times a second per job.
 */
export function useJobs() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.on('jobs.updated', (view) => {
        queryClient.setQueryData<JobView[]>(jobsKey, (old) => (old ? upsertJob(old, view) : old));
      }),
    [queryClient],
  );
  const query = useQuery({ queryKey: jobsKey, queryFn: async () => (await api.jobs.list()).jobs });
  const jobs = query.data ?? [];
  return { jobs, running: jobs.filter((job) => !isFinished(job.state)), error: query.error };
}

export function useJobActions() {
  const queryClient = useQueryClient();
  const cancel = useMutation({ mutationFn: (jobId: string) => api.jobs.cancel({ jobId }) });
  const dismiss = useMutation({
    mutationFn: (jobId: string) => api.jobs.dismiss({ jobId }),
    onSuccess: (_, jobId) => queryClient.setQueryData<JobView[]>(jobsKey, (old) => old?.filter((job) => job.id !== jobId)),
  });
  return { cancel: (jobId: string) => cancel.mutate(jobId), dismiss: (jobId: string) => dismiss.mutate(jobId) };
}
