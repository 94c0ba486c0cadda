import type { ReactNode } from 'react';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import { useJobActions } from '../jobs/useJobs';
import { formatBytes } from '../push/figures';
import { ProgressBar } from '../transfer/ProgressBar';

/** A byte counter against its total, in words. */
export function bytesText(bytes: number, total: number | undefined): string {
  return total !== undefined ? `${formatBytes(bytes)} of ${formatBytes(total)}` : formatBytes(bytes);
}

/**
 * Where one job of these views stands: a progress bar while it runs (with Cancel), its error, or what
 * `done` says about its output. `refused` is a start the main process refused before a job existed.
 */
export function NarJob({
  label,
  job,
  refused,
  progress,
  done,
}: {
  label: string;
  job: JobView | undefined;
  refused?: string;
  progress: (progress: unknown) => { value: number; max: number | undefined; text: string };
  done: (output: unknown) => ReactNode;
}) {
  const { cancel } = useJobActions();
  if (refused) {
    return (
      <p className="nar-job nar-job--error" role="alert">
        {refused}
      </p>
    );
  }
  if (!job) return null;
  if (!isFinished(job.state)) {
    const p = job.progress === undefined ? undefined : progress(job.progress);
    return (
      <div className="nar-job">
        <ProgressBar label={label} value={p?.value ?? 0} max={p?.max ?? 0} text={p?.text ?? ''} indeterminate={!p || p.max === undefined} pendingText={p?.text || 'Starting…'} />
        <button type="button" className="button button--small" onClick={() => cancel(job.id)}>
          Cancel
        </button>
      </div>
    );
  }
  if (job.state === 'failed') {
    return (
      <p className="nar-job nar-job--error" role="alert">
        {job.error?.message ?? 'It failed.'}
      </p>
    );
  }
  if (job.state === 'cancelled') return <p className="nar-job nar-job--muted">Cancelled.</p>;
  return <div className="nar-job nar-job--done">{done(job.output)}</div>;
}
