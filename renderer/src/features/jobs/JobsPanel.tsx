import { useEffect, useRef, useState } from 'react';
import './jobs.css';
import type { JobView } from '../../../../shared/api/jobs';
import { isFinished } from '../../../../shared/api/jobs';
import { formatElapsed } from '../../ui/format';
import { describeJob, stateLabel } from './describe-job';
import { useJobsPanel } from './jobs-store';
import { useJobActions, useJobs } from './useJobs';

/** A clock that ticks every second while `running`, for elapsed times. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return running ? Math.max(now, Date.now()) : now;
}

/** The top bar's button: how many jobs run, and the panel's toggle. */
export function JobsButton() {
  const { running } = useJobs();
  const { open, toggle } = useJobsPanel();
  return (
    <button type="button" className="topbar__tab jobs-button" aria-expanded={open} aria-controls="jobs-panel" onClick={toggle}>
      Jobs
      {running.length > 0 && (
        <span className="jobs-button__badge" aria-label={`${running.length} running`}>
          {running.length}
        </span>
      )}
    </button>
  );
}

/**
 * Like a file manager's transfers window: every job of the main process, started here, in another
 * window or before a reload, with its progress, state, elapsed time, Cancel, and how it ended.
 */
export function JobsPanel() {
  const { open, close, highlight } = useJobsPanel();
  const { jobs, running, error } = useJobs();
  const { cancel, dismiss } = useJobActions();
  const now = useNow(open && running.length > 0);
  const panel = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!open) return;
    panel.current?.focus();
    // Esc closes the panel from anywhere but a dialog, and gives the keyboard back to the Jobs button.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      close();
      document.querySelector<HTMLButtonElement>('.jobs-button')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, close]);

  if (!open) return null;
  return (
    <aside id="jobs-panel" ref={panel} className="jobs-panel" aria-label="Jobs" tabIndex={-1}>
      <header className="jobs-panel__header">
        <h2 className="jobs-panel__title">Jobs</h2>
        <span className="jobs-panel__count">{running.length ? `${running.length} running` : 'none running'}</span>
        <button type="button" className="button button--small" onClick={close} aria-label="Close jobs">
          Close
        </button>
      </header>
      {error ? (
        <p className="jobs-panel__empty" role="alert">
          Could not read the jobs: {error.message}
        </p>
      ) : jobs.length === 0 ? (
        <p className="jobs-panel__empty">No jobs yet. Listings, pushes and audits show their progress here, and keep running when you close this window.</p>
      ) : (
        <ul className="jobs-panel__list">
          {jobs.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              now={now}
              highlighted={job.id === highlight}
              onCancel={() => cancel(job.id)}
              onDismiss={() => {
                dismiss(job.id);
                // Its row (and the focused button) goes away: keep the keyboard in the panel.
                panel.current?.focus();
              }}
            />
          ))}
        </ul>
      )}
    </aside>
  );
}

function JobRow({ job, now, highlighted, onCancel, onDismiss }: { job: JobView; now: number; highlighted: boolean; onCancel(): void; onDismiss(): void }) {
  const { fraction, detail } = describeJob(job);
  const finished = isFinished(job.state);
  const started = job.startedAt ?? job.createdAt;
  const elapsed = (finished ? (job.endedAt ?? now) : now) - started;
  return (
    <li className={`job job--${job.state}${highlighted ? ' job--highlighted' : ''}`} aria-label={job.title}>
      <div className="job__top">
        <span className="job__title" title={job.title}>
          {job.title}
        </span>
        <span className={`job__state job__state--${job.state}`}>{stateLabel[job.state]}</span>
      </div>
      <div
        className={`job__bar${fraction === undefined && !finished ? ' job__bar--indeterminate' : ''}`}
        role="progressbar"
        aria-label={`Progress of ${job.title}`}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(fraction !== undefined ? { 'aria-valuenow': Math.round(fraction * 100) } : {})}
        aria-valuetext={detail || stateLabel[job.state]}
      >
        <div className="job__fill" style={{ width: `${Math.round((fraction ?? (finished ? 1 : 0.3)) * 100)}%` }} />
      </div>
      <div className="job__bottom">
        <span className="job__detail">{detail}</span>
        <span className="job__elapsed" aria-label="Elapsed">
          {job.state === 'queued' ? 'queued' : formatElapsed(Math.max(0, elapsed))}
        </span>
        {finished ? (
          <button type="button" className="button button--small job__action" onClick={onDismiss} aria-label={`Dismiss ${job.title}`}>
            Dismiss
          </button>
        ) : (
          <button type="button" className="button button--small job__action" onClick={onCancel} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        )}
      </div>
      {job.state === 'failed' && job.error && (
        <p className="job__error" role="alert">
          {job.error.message}
        </p>
      )}
    </li>
  );
}
