import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { CacheView, PushProgressView, PushSummaryView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { api } from '../../api/client';
import { jobsKey, useJobs } from '../jobs/useJobs';
import type { Sample } from './figures';
import { addSample } from './figures';
import type { Compression } from './push-store';
import { usePushUi } from './push-store';
import { pushQueries } from './queries';
import { runningPushOf } from './running-push';

export interface PushRequest {
  paths: string[];
  keyId?: string;
  unsigned?: boolean;
  compression: Compression;
  writeNarListing?: boolean;
}

export type PushState =
  | { kind: 'idle' }
  /** Asked for; the main process has not said yet that the job exists. */
  | { kind: 'starting'; jobId: string }
  | { kind: 'refused'; message: string }
  | { kind: 'job'; job: JobView; progress?: PushProgressView; summary?: PushSummaryView; samples: Sample[] };

/**
 * The push shown for a cache. The job lives in the main process and every window hears of it through
 * `jobs.updated`, so the screen reads it from the jobs list: that is also how it finds a push again
 * after a reload. The samples of its counters over time give the rates and the time left.
 */
export function usePushJob(cache: CacheView) {
  const identity = cacheIdentity(cache.config);
  const { jobs } = useJobs();
  const started = usePushUi((s) => s.pushes[identity]);
  const follow = usePushUi((s) => s.follow);
  const forget = usePushUi((s) => s.forget);
  const queryClient = useQueryClient();

  const job = started ? jobs.find((j) => j.id === started.jobId) : runningPushOf(jobs, identity);
  const progress = job?.progress as PushProgressView | undefined;

  // Samples of this job's counters, for the rates; a new job starts afresh.
  const [samples, setSamples] = useState<Sample[]>([]);
  const sampledJob = useRef<string | null>(null);
  useEffect(() => {
    if (!job || !progress) return;
    if (sampledJob.current !== job.id) {
      sampledJob.current = job.id;
      setSamples([{ at: Date.now(), narBytesRead: progress.narBytesRead, fileBytesUploaded: progress.fileBytesUploaded }]);
      return;
    }
    if (isFinished(job.state)) return;
    setSamples((old) => addSample(old, { at: Date.now(), narBytesRead: progress.narBytesRead, fileBytesUploaded: progress.fileBytesUploaded }));
  }, [job, progress]);

  // A push found again after a reload: follow it, and show what it pushes so its closure is on screen
  // too (once per job found: a user who then clears the selection keeps it cleared).
  const reattachedId = !started && job ? job.id : null;
  const latestJob = useRef(job);
  latestJob.current = job;
  useEffect(() => {
    if (!reattachedId) return;
    // Followed from now on, so its end (summary, error, cancelled) stays on screen until dismissed.
    follow(identity, { jobId: reattachedId });
    const paths = (latestJob.current?.input as { paths?: unknown } | undefined)?.paths;
    if (!Array.isArray(paths) || usePushUi.getState().selected.length > 0) return;
    for (const path of paths) if (typeof path === 'string') usePushUi.getState().add(path);
  }, [reattachedId, follow, identity]);

  // When a push ends, the cache holds more than any closure said: ask again.
  const finishedJob = job && isFinished(job.state) ? job.id : null;
  useEffect(() => {
    if (finishedJob) void queryClient.invalidateQueries({ queryKey: pushQueries.closures });
  }, [finishedJob, queryClient]);

  const start = (request: PushRequest) => {
    const handle = api.push.run({ cacheId: cache.id, ...request });
    follow(identity, { jobId: handle.id });
    // A refusal before the job exists (no key, a read-only cache) reaches only this handle; anything
    // later is in the job's own view.
    handle.result.catch((error: unknown) => {
      const current = usePushUi.getState().pushes[identity];
      if (current?.jobId !== handle.id) return;
      const known = queryClient.getQueryData<JobView[]>(jobsKey)?.some((j) => j.id === handle.id);
      if (!known) follow(identity, { jobId: handle.id, error: error instanceof Error ? error.message : String(error) });
    });
  };

  // A job seen in the list and gone from it was dismissed (here or in the Jobs panel): back to the options.
  const seen = useRef(new Set<string>());
  if (job) seen.current.add(job.id);
  const dismissed = started !== undefined && !job && seen.current.has(started.jobId);

  let state: PushState;
  if (job) state = { kind: 'job', job, progress, summary: job.state === 'done' ? (job.output as PushSummaryView) : undefined, samples };
  else if (started?.error) state = { kind: 'refused', message: started.error };
  else if (started && !dismissed) state = { kind: 'starting', jobId: started.jobId };
  else state = { kind: 'idle' };

  return { state, start, reset: () => forget(identity) };
}
