import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { CacheView, PushProgressView, PushSummaryView } from '../../../../shared/api/contract';
import { isFinished } from '../../../../shared/api/jobs';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { api } from '../../api/client';
import type { FollowedJobState } from '../transfer/useFollowedJob';
import { useFollowedJob } from '../transfer/useFollowedJob';
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

export type PushState = FollowedJobState<PushProgressView, PushSummaryView>;

/** The push shown for a cache: started here, or found running again after a reload (see useFollowedJob). */
export function usePushJob(cache: CacheView) {
  const identity = cacheIdentity(cache.config);
  const started = usePushUi((s) => s.pushes[identity]);
  const follow = usePushUi((s) => s.follow);
  const forget = usePushUi((s) => s.forget);
  const queryClient = useQueryClient();

  const { state, followStarted } = useFollowedJob<PushProgressView, PushSummaryView>({
    started,
    follow: (push) => follow(identity, push),
    running: (jobs) => runningPushOf(jobs, identity),
    // A push found again after a reload shows what it pushes, so its closure is on screen too (once
    // per job found: a user who then clears the selection keeps it cleared).
    onReattach: (job) => {
      const paths = (job.input as { paths?: unknown } | undefined)?.paths;
      if (!Array.isArray(paths) || usePushUi.getState().selected.length > 0) return;
      for (const path of paths) if (typeof path === 'string') usePushUi.getState().add(path);
    },
  });

  // When a push ends, the cache holds more than any closure said: ask again.
  const job = state.kind === 'job' ? state.job : undefined;
  const finishedJob = job && isFinished(job.state) ? job.id : null;
  useEffect(() => {
    if (finishedJob) void queryClient.invalidateQueries({ queryKey: pushQueries.closures });
  }, [finishedJob, queryClient]);

  const start = (request: PushRequest) => {
    const handle = api.push.run({ cacheId: cache.id, ...request });
    followStarted(handle, () => usePushUi.getState().pushes[identity]?.jobId === handle.id);
  };

  return { state, start, reset: () => forget(identity) };
}
