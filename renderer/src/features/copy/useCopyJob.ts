import type { CopyProgressView, CopySummaryView } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import type { FollowedJobState } from '../transfer/useFollowedJob';
import { useFollowedJob } from '../transfer/useFollowedJob';
import type { CopyRequest } from './copy-form';
import { valuesOf } from './copy-form';
import { useCopyUi } from './copy-store';
import { runningCopyOf } from './running-copy';

export type CopyState = FollowedJobState<CopyProgressView, CopySummaryView>;

/**
 * The copy shown on the Copy screen: started here, or found running again after a reload (see
 * useFollowedJob), in which case the form is filled from its request so "Try again" and "Back to the
 * form" return to what it did.
 */
export function useCopyJob() {
  const started = useCopyUi((s) => s.started);
  const follow = useCopyUi((s) => s.follow);
  const forget = useCopyUi((s) => s.forget);
  const { state, followStarted } = useFollowedJob<CopyProgressView, CopySummaryView>({
    started,
    follow,
    running: runningCopyOf,
    onReattach: (job) => useCopyUi.getState().edit(valuesOf(job.input as Partial<CopyRequest>)),
  });

  const start = (request: CopyRequest) => {
    const handle = api.copy.run(request);
    followStarted(handle, () => useCopyUi.getState().started?.jobId === handle.id);
  };

  return { state, start, reset: forget };
}
