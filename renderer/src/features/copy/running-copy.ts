import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';

/** The newest copy that still runs (started here, in another window or before a reload). */
export function runningCopyOf(jobs: readonly JobView[]): JobView | undefined {
  return jobs.find((job) => job.kind === 'copy.run' && !isFinished(job.state));
}
