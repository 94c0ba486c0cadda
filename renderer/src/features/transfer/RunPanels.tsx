import type { ReactNode } from 'react';
import type { JobView } from '../../../../shared/api/jobs';
import { formatElapsed } from '../../ui/format';
import { useElapsed } from '../../ui/useElapsed';
import { useJobsPanel } from '../jobs/jobs-store';
import { useJobActions } from '../jobs/useJobs';
import '../push/push.css';

/**
 * The panels a push and a copy show once asked for, before the summary: starting, refused, running
 * and ended without a summary. `noun` names the job ("Push", "Copy") in the regions' names, which is
 * how screen readers and tests find them ("Push progress", "Copy result").
 */
interface RunProps {
  noun: string;
  className: string;
}

export function RunStarting({ noun, className }: RunProps) {
  return (
    <section className={className} aria-label={`${noun} progress`}>
      <p className="push__phase" role="status">
        <span className="spinner" aria-hidden="true" /> Starting the {noun.toLowerCase()}…
      </p>
    </section>
  );
}

export function RunRefused({ noun, className, message, backLabel, onBack }: RunProps & { message: string; backLabel: string; onBack(): void }) {
  return (
    <section className={className} aria-label={`${noun} result`}>
      <div className="message message--error" role="alert">
        <strong>The {noun.toLowerCase()} did not start.</strong> {message}
      </div>
      <div className="push__actions">
        <button type="button" className="button button--primary" onClick={onBack}>
          {backLabel}
        </button>
      </div>
    </section>
  );
}

/** A running job: its title and time, the phase in words, the figures (`children`), Cancel and Show in Jobs. */
export function RunProgress({ noun, className, title, job, phase, children }: RunProps & { title: string; job: JobView; phase: string; children?: ReactNode }) {
  const { cancel } = useJobActions();
  const showJob = useJobsPanel((s) => s.show);
  const elapsed = useElapsed(job.startedAt ?? job.createdAt);
  return (
    <section className={className} aria-label={`${noun} progress`}>
      <div className="push__section-head">
        <h2>{title}</h2>
        <span className="push__muted" aria-label="Elapsed">
          {formatElapsed(elapsed)}
        </span>
      </div>
      <p className="push__phase" role="status" aria-label={`${noun} phase`}>
        {job.state === 'queued' ? 'Waiting for other jobs to finish…' : phase}
      </p>
      {children}
      <div className="push__actions">
        <button type="button" className="button" onClick={() => cancel(job.id)}>
          Cancel
        </button>
        <button type="button" className="button" onClick={() => showJob(job.id)}>
          Show in Jobs
        </button>
      </div>
    </section>
  );
}

/**
 * A job that failed or was cancelled: why (a failure's message names the path and the cache), how far
 * it got (`children`), and the same job again, which resumes since what is done is skipped.
 */
export function RunEnded({
  noun,
  className,
  job,
  cancelledText,
  backLabel,
  onRetry,
  onBack,
  children,
}: RunProps & { job: JobView; cancelledText: string; backLabel: string; onRetry(): void; onBack(): void; children?: ReactNode }) {
  const failed = job.state === 'failed';
  return (
    <section className={className} aria-label={`${noun} result`}>
      <div className={failed ? 'message message--error' : 'message message--warning'} role="alert">
        <strong>{failed ? `The ${noun.toLowerCase()} failed.` : `The ${noun.toLowerCase()} was cancelled.`}</strong> {failed ? (job.error?.message ?? 'No reason was given.') : cancelledText}
      </div>
      {children}
      <div className="push__actions">
        <button type="button" className="button button--primary" onClick={onRetry}>
          Try again
        </button>
        <button type="button" className="button" onClick={onBack}>
          {backLabel}
        </button>
      </div>
    </section>
  );
}
