import { useId } from 'react';
import type { CacheView, PushProgressView, PushSummaryView } from '../../../../shared/api/contract';
import { compressionMethods } from '../../../../shared/api/contract';
import { writeNarListingSetting } from '../../../../shared/push/nar-listing-setting';
import type { JobView } from '../../../../shared/api/jobs';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { formatDuration, formatElapsed, plural } from '../../ui/format';
import { useElapsed } from '../../ui/useElapsed';
import { useView } from '../../app/view-store';
import { useJobsPanel } from '../jobs/jobs-store';
import { useJobActions } from '../jobs/useJobs';
import { useKeys } from '../keys/queries';
import { compressionText, etaMs, formatBytes, formatEta, formatRate, phaseText, ratesOf } from './figures';
import type { Sample } from './figures';
import type { Compression } from './push-store';
import { usePushUi } from './push-store';
import { chosenKey } from './signing-key';
import type { PushRequest } from './usePushJob';
import { usePushJob } from './usePushJob';

const compressionHints: Record<Compression, string> = {
  xz: 'xz — Nix’s default: smallest, slowest',
  zstd: 'zstd — fast, nearly as small',
  bzip2: 'bzip2',
  gzip: 'gzip — fast, larger',
  none: 'none — no compression',
};

/** Options and Push, then the running push, then its summary or what went wrong. */
export function PushPanel({ cache }: { cache: CacheView }) {
  const { state, start, reset } = usePushJob(cache);
  const selected = usePushUi((s) => s.selected);

  if (state.kind === 'idle') return <PushOptions cache={cache} onPush={start} />;
  if (state.kind === 'starting') {
    return (
      <section className="push__run" aria-label="Push progress">
        <p className="push__phase" role="status">
          <span className="spinner" aria-hidden="true" /> Starting the push…
        </p>
      </section>
    );
  }
  if (state.kind === 'refused') {
    return (
      <section className="push__run" aria-label="Push result">
        <div className="message message--error" role="alert">
          <strong>The push did not start.</strong> {state.message}
        </div>
        <div className="push__actions">
          <button type="button" className="button button--primary" onClick={reset}>
            Back to the options
          </button>
        </div>
      </section>
    );
  }
  const { job, progress, summary, samples } = state;
  if (job.state === 'done' && summary) return <PushSummary cache={cache} summary={summary} onDone={reset} />;
  if (job.state === 'failed' || job.state === 'cancelled') {
    const input = job.input as PushRequest | undefined;
    return (
      <section className="push__run" aria-label="Push result">
        <div className={job.state === 'failed' ? 'message message--error' : 'message message--warning'} role="alert">
          <strong>{job.state === 'failed' ? 'The push failed.' : 'The push was cancelled.'}</strong>{' '}
          {job.state === 'failed' ? (job.error?.message ?? 'No reason was given.') : 'What went up so far stays, and the cache is consistent: pushing again resumes.'}
        </div>
        {/* How far it got, when it got anywhere. */}
        {progress && (progress.pathsDone > 0 || progress.narBytesRead > 0) && <ProgressFigures progress={progress} cacheName={cache.name} />}
        <div className="push__actions">
          <button
            type="button"
            className="button button--primary"
            // The same push again: paths already there are skipped, so it resumes.
            onClick={() =>
              start({
                paths: input?.paths ?? selected,
                compression: input?.compression ?? 'xz',
                ...(input?.writeNarListing !== undefined ? { writeNarListing: input.writeNarListing } : {}),
                ...(input?.keyId ? { keyId: input.keyId } : { unsigned: true }),
              })
            }
          >
            Try again
          </button>
          <button type="button" className="button" onClick={reset}>
            Back to the options
          </button>
        </div>
      </section>
    );
  }
  return <PushProgress cache={cache} job={job} progress={progress} samples={samples} />;
}

function PushOptions({ cache, onPush }: { cache: CacheView; onPush(request: PushRequest): void }) {
  const keyFieldId = useId();
  const compressionId = useId();
  const keys = useKeys();
  const show = useView((s) => s.show);
  const { selected, compression, keyChoice, confirmingUnsigned, setCompression, setKeyChoice, setConfirmingUnsigned, setWriteNarListing } = usePushUi();
  const list = keys.data?.keys ?? [];
  const key = chosenKey(list, keyChoice);
  const canSign = list.some((k) => k.secretAvailable);
  // Until the user ticks or unticks it, the box shows what the cache's store URL says
  // (write-nar-listing=true), and the push leaves the choice to the URL as nix copy would.
  const listingChoice = usePushUi((s) => s.writeNarListing);
  const writeNarListing = listingChoice ?? listingsByUrl(cache);

  const push = (unsigned: boolean) =>
    onPush({ paths: selected, compression, ...(listingChoice !== null ? { writeNarListing: listingChoice } : {}), ...(unsigned ? { unsigned: true } : { keyId: key }) });

  return (
    <section className="push__options" aria-labelledby="push-options">
      <h2 id="push-options">Push to {cache.name}</h2>
      <div className="push__option-grid">
        <div className="field">
          <label className="field__label" htmlFor={keyFieldId}>
            Sign with
          </label>
          <select id={keyFieldId} className="input" value={key} onChange={(event) => setKeyChoice(event.target.value)} disabled={keys.isPending}>
            {list
              .filter((k) => k.hasSecret)
              .map((k) => (
                <option key={k.id} value={k.id} disabled={!k.secretAvailable}>
                  {k.name}
                  {k.secretAvailable ? '' : ' (its secret cannot be read here)'}
                </option>
              ))}
            <option value="unsigned">Don’t sign</option>
          </select>
          {keys.error ? (
            <div className="field__error">Could not read your keys: {keys.error.message}</div>
          ) : (
            !keys.isPending &&
            !canSign && (
              <div className="field__hint">
                No key here can sign.{' '}
                <button type="button" className="link-button" onClick={() => show('keys')}>
                  Generate or import one in Keys
                </button>{' '}
                so Nix clients accept what you push.
              </div>
            )
          )}
        </div>
        <div className="field">
          <label className="field__label" htmlFor={compressionId}>
            Compression
          </label>
          <select id={compressionId} className="input" value={compression} onChange={(event) => setCompression(event.target.value as Compression)}>
            {compressionMethods.map((method) => (
              <option key={method} value={method}>
                {compressionHints[method]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={writeNarListing} onChange={(event) => setWriteNarListing(event.target.checked)} />
        <span>
          Write file listings (.ls)
          <span className="checkbox__hint">A small JSON file per path listing its files, so they can be browsed without downloading the NAR.</span>
        </span>
      </label>
      <div className="push__actions">
        <button
          type="button"
          className="button button--primary"
          disabled={selected.length === 0 || !cache.writable || keys.isPending}
          onClick={() => (key === 'unsigned' ? setConfirmingUnsigned(true) : push(false))}
        >
          Push
        </button>
        {selected.length === 0 && <span className="push__muted">Choose what to push first.</span>}
      </div>
      {confirmingUnsigned && (
        <Dialog title="Push without signing?" onClose={() => setConfirmingUnsigned(false)}>
          <div className="dialog__body">
            <p>
              Nix clients <strong>silently ignore unsigned paths</strong>: unless a machine sets <code>require-sigs = false</code>, it builds or downloads them
              elsewhere as if {cache.name} did not have them, and says nothing.
            </p>
            <p>Sign with a key instead, and trust its public key where you substitute from this cache.</p>
          </div>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={() => setConfirmingUnsigned(false)} data-autofocus>
              Cancel
            </button>
            <button
              type="button"
              className="button button--danger"
              onClick={() => {
                setConfirmingUnsigned(false);
                push(true);
              }}
            >
              Push unsigned
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** The cache's `write-nar-listing` setting; a value Nix would refuse shows as off (the push, left to the URL, says why). */
function listingsByUrl(cache: CacheView): boolean {
  try {
    return writeNarListingSetting(cache.config.settings);
  } catch {
    return false;
  }
}

function PushProgress({ cache, job, progress, samples }: { cache: CacheView; job: JobView; progress?: PushProgressView; samples: Sample[] }) {
  const { cancel } = useJobActions();
  const showJob = useJobsPanel((s) => s.show);
  const elapsed = useElapsed(job.startedAt ?? job.createdAt);
  return (
    <section className="push__run" aria-label="Push progress">
      <div className="push__section-head">
        <h2>Pushing to {cache.name}</h2>
        <span className="push__muted" aria-label="Elapsed">
          {formatElapsed(elapsed)}
        </span>
      </div>
      <p className="push__phase" role="status" aria-label="Push phase">
        {job.state === 'queued' ? 'Waiting for other jobs to finish…' : progress ? phaseText(progress, cache.name) : 'Starting…'}
      </p>
      {progress && <ProgressFigures progress={progress} samples={samples} cacheName={cache.name} />}
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

/** The bars; with `samples` (a running push) the rates and the time left as well. */
function ProgressFigures({ progress, samples, cacheName }: { progress: PushProgressView; samples?: Sample[]; cacheName: string }) {
  const rates = samples ? ratesOf(samples) : undefined;
  const eta = progress.phase === 'pushing' ? etaMs(progress, rates) : undefined;
  // What the upload will come to, guessed from the compression so far; the bar needs some total.
  const ratio = progress.narBytesRead > 0 ? progress.fileBytesUploaded / progress.narBytesRead : 0;
  const uploadTotal = ratio > 0 ? progress.narBytesTotal * ratio : 0;
  const measuring = progress.phase !== 'pushing' && samples !== undefined;
  return (
    <div className="push__bars">
      <Bar label="Paths" value={progress.pathsDone} max={progress.pathsTotal} text={`${progress.pathsDone} of ${plural(progress.pathsTotal, 'path')}`} indeterminate={measuring} />
      <Bar label="NAR bytes read" value={progress.narBytesRead} max={progress.narBytesTotal} text={`${formatBytes(progress.narBytesRead)} of ${formatBytes(progress.narBytesTotal)} read`} indeterminate={measuring} />
      <Bar
        label={`Uploaded to ${cacheName}`}
        value={progress.fileBytesUploaded}
        max={uploadTotal}
        text={`${formatBytes(progress.fileBytesUploaded)}${rates ? ` · ${formatRate(rates.upload)}` : ''}`}
        indeterminate={measuring}
      />
      {samples && (
        <p className="push__rates" aria-label="Throughput">
          {rates ? `${formatRate(rates.read)} read` : 'Measuring the speed…'}
          {eta !== undefined && ` · ${formatEta(eta)}`}
        </p>
      )}
    </div>
  );
}

function Bar({ label, value, max, text, indeterminate }: { label: string; value: number; max: number; text: string; indeterminate: boolean }) {
  const fraction = max > 0 ? Math.min(1, value / max) : 0;
  return (
    <div className="push-bar">
      <div className="push-bar__top">
        <span className="push-bar__label">{label}</span>
        <span className="push-bar__text">{indeterminate ? 'Counting…' : text}</span>
      </div>
      <div
        className={`bar${indeterminate ? ' bar--indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(indeterminate ? {} : { 'aria-valuenow': Math.round(fraction * 100) })}
        aria-valuetext={indeterminate ? 'Counting…' : text}
      >
        <div className="bar__fill" style={{ width: `${indeterminate ? 30 : fraction * 100}%` }} />
      </div>
    </div>
  );
}

function PushSummary({ cache, summary, onDone }: { cache: CacheView; summary: PushSummaryView; onDone(): void }) {
  return (
    <section className="push__run push__summary" aria-label="Push summary">
      <div className={summary.signedWith ? 'message message--ok' : 'message message--warning'} role="status">
        <strong>{summary.pushed === 0 ? `${cache.name} already had everything.` : `Pushed to ${cache.name}.`}</strong> {summary.signedWith
          ? 'Machines that trust the key below substitute from it with these nix.conf lines.'
          : 'These paths are unsigned: Nix ignores them on any machine that keeps require-sigs on (the default).'}
      </div>
      <dl className="push__facts">
        <dt>Pushed</dt>
        <dd aria-label="Pushed">{plural(summary.pushed, 'path')}</dd>
        <dt>Skipped</dt>
        <dd aria-label="Skipped">{plural(summary.skipped, 'path')} already in the cache</dd>
        <dt>Size</dt>
        <dd>{compressionText(summary.narBytes, summary.fileBytes)}</dd>
        <dt>Time</dt>
        <dd>{formatDuration(summary.elapsedMs)}</dd>
        <dt>Signed with</dt>
        <dd>{summary.signedWith ? <code className="wrap">{summary.signedWith}</code> : <strong className="push__unsigned">unsigned</strong>}</dd>
      </dl>
      <div className="push__snippet">
        <div className="push__section-head">
          <h3>Substitute from this cache (nix.conf)</h3>
          <CopyButton text={summary.substituters} what="nix.conf lines" />
        </div>
        <pre className="push__code" aria-label="nix.conf lines">
          {summary.substituters}
        </pre>
      </div>
      <div className="push__actions">
        <button type="button" className="button button--primary" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}
