import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { JobHandle } from '../../../../shared/api/define';
import type { JobView } from '../../../../shared/api/jobs';
import type { Sample } from '../push/figures';
import { jobsKey, useJobs } from '../jobs/useJobs';
import type { TransferCounters } from './TransferFigures';
import { useTransferSamples } from './useTransferSamples';

/** A job a screen started and follows, until the jobs list knows it (or its start was refused). */
export interface StartedJob {
  jobId: string;
  /** Set when the main process refused to start it (no job then exists to tell). */
  error?: string;
}

export type FollowedJobState<P, O> =
  | { kind: 'idle' }
  /** Asked for; the main process has not said yet that the job exists. */
  | { kind: 'starting'; jobId: string }
  | { kind: 'refused'; message: string }
  | { kind: 'job'; job: JobView; progress?: P; summary?: O; samples: Sample[] };

/**
 * The push or copy a screen shows. The job lives in the main process and every window hears of it
 * through `jobs.updated`, so the screen reads it from the jobs list: that is also how it finds a job
 * again after a reload (`running` says which one, and `onReattach` may fill the screen from its input).
 * The samples of its counters over time give the rates and the time left.
 */
export function useFollowedJob<P extends TransferCounters, O>({
  started,
  follow,
  running,
  onReattach,
}: {
  started: StartedJob | undefined;
  follow(started: StartedJob): void;
  running(jobs: readonly JobView[]): JobView | undefined;
  onReattach?(job: JobView): void;
}) {
  const { jobs } = useJobs();
  const queryClient = useQueryClient();
  const job = started ? jobs.find((j) => j.id === started.jobId) : running(jobs);
  const progress = job?.progress as P | undefined;
  const samples = useTransferSamples(job, progress);

  // A job found again: followed from now on, so its end (summary, error, cancelled) stays on screen
  // until dismissed; the screen may show what it does (once per job found).
  const reattachedId = !started && job ? job.id : null;
  const latest = useRef({ job, follow, onReattach });
  latest.current = { job, follow, onReattach };
  useEffect(() => {
    if (!reattachedId) return;
    latest.current.follow({ jobId: reattachedId });
    if (latest.current.job) latest.current.onReattach?.(latest.current.job);
  }, [reattachedId]);

  /** Follows a job just asked for. A refusal before the job exists (no key, a read-only cache) reaches only its handle; anything later is in the job's own view. */
  const followStarted = (handle: JobHandle<unknown>, stillFollowed: () => boolean) => {
    follow({ jobId: handle.id });
    handle.result.catch((error: unknown) => {
      if (!stillFollowed()) return;
      const known = queryClient.getQueryData<JobView[]>(jobsKey)?.some((j) => j.id === handle.id);
      if (!known) follow({ jobId: handle.id, error: error instanceof Error ? error.message : String(error) });
    });
  };

  // A job seen in the list and gone from it was dismissed (here or in the Jobs panel): back to the options.
  const seen = useRef(new Set<string>());
  if (job) seen.current.add(job.id);
  const dismissed = started !== undefined && !job && seen.current.has(started.jobId);

  let state: FollowedJobState<P, O>;
  if (job) state = { kind: 'job', job, progress, summary: job.state === 'done' ? (job.output as O) : undefined, samples };
  else if (started?.error) state = { kind: 'refused', message: started.error };
  else if (started && !dismissed) state = { kind: 'starting', jobId: started.jobId };
  else state = { kind: 'idle' };
  return { state, followStarted };
}
