import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CacheView, SignProgressView, SignSummaryView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { api } from '../../api/client';
import { jobsKey, useJobs } from '../jobs/useJobs';
import { useSignUi } from './sign-store';

export interface SignRequest {
  keyId: string;
  paths?: string[];
  closure?: boolean;
  all?: boolean;
  trustedKeys?: string[];
}

export type SignState =
  | { kind: 'idle' }
  /** Asked for; the main process has not said yet that the job exists. */
  | { kind: 'starting' }
  /** Refused before a job existed (a key that cannot sign here, a path that is not one). */
  | { kind: 'refused'; message: string }
  | { kind: 'job'; job: JobView; progress?: SignProgressView; summary?: SignSummaryView };

/** The newest sign job of this cache that still runs (started here, in another window or before a reload). */
export function runningSignOf(jobs: readonly JobView[], identity: string): JobView | undefined {
  return jobs.find((job) => job.kind === 'sign.run' && job.subject === identity && !isFinished(job.state));
}

/** Jobs this page has seen in the jobs list (whichever dialog showed them): one gone from it was dismissed. */
const seenJobs = new Set<string>();

/**
 * The sign job the dialog shows: the one it started, or one of this cache that is running when the
 * dialog opens (closing the dialog leaves a job running, and opening it again shows it). The job
 * lives in the main process; its state comes from the jobs list, which `jobs.updated` keeps current.
 */
export function useSignJob(cache: CacheView) {
  const identity = cacheIdentity(cache.config);
  const { jobs } = useJobs();
  const queryClient = useQueryClient();
  const started = useSignUi((s) => s.signs[identity]);
  const follow = useSignUi((s) => s.follow);
  const forget = useSignUi((s) => s.forget);
  // Nothing started here: a sign job of this cache that runs (another window, before a reload) is
  // shown, and followed from then on so its end stays on screen.
  const running = started ? undefined : runningSignOf(jobs, identity);
  const followed = started ?? (running ? { jobId: running.id } : undefined);
  useEffect(() => {
    if (running) follow(identity, { jobId: running.id });
  }, [running, follow, identity]);

  const start = (request: SignRequest) => {
    const handle = api.sign.run({ cacheId: cache.id, ...request });
    follow(identity, { jobId: handle.id });
    // A refusal before the job exists reaches only this handle; anything later is in the job's view.
    handle.result.catch((error: unknown) => {
      if (useSignUi.getState().signs[identity]?.jobId !== handle.id) return;
      const known = queryClient.getQueryData<JobView[]>(jobsKey)?.some((j) => j.id === handle.id);
      if (!known) follow(identity, { jobId: handle.id, error: error instanceof Error ? error.message : String(error) });
    });
  };

  const job = followed ? jobs.find((j) => j.id === followed.jobId) : undefined;
  // A job seen in the list and gone from it was dismissed (in the Jobs panel): back to the form.
  if (job) seenJobs.add(job.id);
  const dismissed = followed !== undefined && !job && seenJobs.has(followed.jobId);

  let state: SignState;
  if (job) {
    state = { kind: 'job', job, progress: job.progress as SignProgressView | undefined, summary: job.state === 'done' ? (job.output as SignSummaryView) : undefined };
  } else if (followed?.error) state = { kind: 'refused', message: followed.error };
  else if (followed && !dismissed) state = { kind: 'starting' };
  else state = { kind: 'idle' };

  return { state, start, reset: () => forget(identity) };
}
