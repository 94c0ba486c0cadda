import { useId } from 'react';
import type { CacheView, PushSummaryView } from '../../../../shared/api/contract';
import { compressionMethods } from '../../../../shared/api/contract';
import { writeNarListingSetting } from '../../../../shared/push/nar-listing-setting';
import { Dialog } from '../../ui/Dialog';
import { formatDuration, plural } from '../../ui/format';
import { useView } from '../../app/view-store';
import { useKeys } from '../keys/queries';
import { SigningKeyOptions } from '../keys/SigningKeyOptions';
import { RunEnded, RunProgress, RunRefused, RunStarting } from '../transfer/RunPanels';
import { SummaryFooter } from '../transfer/SummaryFooter';
import { TransferFigures } from '../transfer/TransferFigures';
import { compressionText, phaseText } from './figures';
import type { Compression } from './push-store';
import { usePushUi } from './push-store';
import { chosenKey } from './signing-key';
import type { PushRequest } from './usePushJob';
import { usePushJob } from './usePushJob';

export const compressionHints: Record<Compression, string> = {
  xz: 'xz — Nix’s default: smallest, slowest',
  zstd: 'zstd — fast, nearly as small',
  bzip2: 'bzip2',
  gzip: 'gzip — fast, larger',
  none: 'none — no compression',
};

const run = { noun: 'Push', className: 'push__run' };

/** Options and Push, then the running push, then its summary or what went wrong. */
export function PushPanel({ cache }: { cache: CacheView }) {
  const { state, start, reset } = usePushJob(cache);
  const selected = usePushUi((s) => s.selected);

  if (state.kind === 'idle') return <PushOptions cache={cache} onPush={start} />;
  if (state.kind === 'starting') return <RunStarting {...run} />;
  if (state.kind === 'refused') return <RunRefused {...run} message={state.message} backLabel="Back to the options" onBack={reset} />;
  const { job, progress, summary, samples } = state;
  if (job.state === 'done' && summary) return <PushSummary cache={cache} summary={summary} onDone={reset} />;
  if (job.state === 'failed' || job.state === 'cancelled') {
    const input = job.input as PushRequest | undefined;
    return (
      <RunEnded
        {...run}
        job={job}
        cancelledText="What went up so far stays, and the cache is consistent: pushing again resumes."
        backLabel="Back to the options"
        // The same push again: paths already there are skipped, so it resumes.
        onRetry={() =>
          start({
            paths: input?.paths ?? selected,
            compression: input?.compression ?? 'xz',
            ...(input?.writeNarListing !== undefined ? { writeNarListing: input.writeNarListing } : {}),
            ...(input?.keyId ? { keyId: input.keyId } : { unsigned: true }),
          })
        }
        onBack={reset}
      >
        {/* How far it got, when it got anywhere. */}
        {progress && (progress.pathsDone > 0 || progress.narBytesRead > 0) && <TransferFigures progress={progress} moving={progress.phase === 'pushing'} destination={cache.name} />}
      </RunEnded>
    );
  }
  return (
    <RunProgress {...run} title={`Pushing to ${cache.name}`} job={job} phase={progress ? phaseText(progress, cache.name) : 'Starting…'}>
      {progress && <TransferFigures progress={progress} moving={progress.phase === 'pushing'} samples={samples} destination={cache.name} />}
    </RunProgress>
  );
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
            <SigningKeyOptions keys={list} />
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
      <SummaryFooter substituters={summary.substituters} notes={summary.notes} onDone={onDone} />
    </section>
  );
}
