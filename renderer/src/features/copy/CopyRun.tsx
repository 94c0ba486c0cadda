import type { CacheView, CopySummaryView } from '../../../../shared/api/contract';
import { formatDuration, plural } from '../../ui/format';
import { RunEnded, RunProgress, RunRefused, RunStarting } from '../transfer/RunPanels';
import { SummaryFooter } from '../transfer/SummaryFooter';
import { TransferFigures } from '../transfer/TransferFigures';
import type { CopyRequest } from './copy-form';
import { copyBytesText, copyPhaseText } from './copy-text';
import type { CopyState } from './useCopyJob';

const run = { noun: 'Copy', className: 'copy__run' };

/** The copy once asked for: starting, running, its summary, or what went wrong. */
export function CopyRun({ state, caches, onRetry, onBack }: { state: Exclude<CopyState, { kind: 'idle' }>; caches: readonly CacheView[]; onRetry(request: CopyRequest): void; onBack(): void }) {
  if (state.kind === 'starting') return <RunStarting {...run} />;
  if (state.kind === 'refused') return <RunRefused {...run} message={state.message} backLabel="Back to the form" onBack={onBack} />;
  const { job, progress, summary, samples } = state;
  const request = job.input as CopyRequest;
  const name = (id: string | undefined, fallback: string) => caches.find((c) => c.id === id)?.name ?? fallback;
  const destination = name(request.toCacheId, 'the destination');
  const source = name(request.fromCacheId, 'the source');
  if (job.state === 'done' && summary) return <CopySummary source={source} destination={destination} summary={summary} onDone={onBack} />;
  if (job.state === 'failed' || job.state === 'cancelled') {
    return (
      <RunEnded
        {...run}
        job={job}
        cancelledText={`What was copied so far stays, and ${destination} is consistent: copying again resumes.`}
        backLabel="Back to the form"
        // The same copy again: what the destination has by now is skipped, so it resumes.
        onRetry={() => onRetry(request)}
        onBack={onBack}
      >
        {/* How far it got, when it got anywhere. */}
        {progress && (progress.pathsDone > 0 || progress.narBytesRead > 0) && <TransferFigures progress={progress} moving={progress.phase === 'copying'} destination={destination} />}
      </RunEnded>
    );
  }
  return (
    <RunProgress {...run} title={`Copying from ${source} to ${destination}`} job={job} phase={progress ? copyPhaseText(progress, destination) : 'Starting…'}>
      {progress && <TransferFigures progress={progress} moving={progress.phase === 'copying'} samples={samples} destination={destination} />}
    </RunProgress>
  );
}

function CopySummary({ source, destination, summary, onDone }: { source: string; destination: string; summary: CopySummaryView; onDone(): void }) {
  return (
    <section className="copy__run push__summary" aria-label="Copy summary">
      <div className="message message--ok" role="status">
        <strong>{summary.copied === 0 ? `${destination} already had everything.` : `Copied from ${source} to ${destination}.`}</strong>{' '}
        {summary.signedWith
          ? 'Machines that trust the key below substitute from it with these nix.conf lines.'
          : `The narinfos keep the signatures they had in ${source}: machines that trust those keys substitute from ${destination} with these nix.conf lines.`}
      </div>
      <dl className="push__facts">
        <dt>Copied</dt>
        <dd aria-label="Copied">{plural(summary.copied, 'path')}</dd>
        <dt>Skipped</dt>
        <dd aria-label="Skipped">{plural(summary.skipped, 'path')} already in the destination</dd>
        <dt>Size</dt>
        <dd aria-label="Size">{copyBytesText(summary)}</dd>
        <dt>Time</dt>
        <dd aria-label="Time">{formatDuration(summary.elapsedMs)}</dd>
        <dt>Signed with</dt>
        <dd aria-label="Signed with">{summary.signedWith ? <code className="wrap">{summary.signedWith}</code> : 'no new signature (the source’s are kept)'}</dd>
      </dl>
      <SummaryFooter substituters={summary.substituters} notes={summary.notes} onDone={onDone} />
    </section>
  );
}
