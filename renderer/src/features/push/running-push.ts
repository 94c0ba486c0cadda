import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';

/** The newest push of this cache that still runs (started here, in another window or before a reload). */
export function runningPushOf(jobs: readonly JobView[], identity: string): JobView | undefined {
  return jobs.find((job) => job.kind === 'push.run' && job.subject === identity && !isFinished(job.state));
}
