import { plural } from '../../ui/format';
import type { Sample } from '../push/figures';
import { etaMs, formatBytes, formatEta, formatRate, ratesOf } from '../push/figures';
import { ProgressBar } from './ProgressBar';
import '../push/push.css';

/** The counters a push and a copy share: paths, NAR bytes read, compressed bytes uploaded. */
export interface TransferCounters {
  pathsTotal: number;
  pathsDone: number;
  narBytesTotal: number;
  narBytesRead: number;
  fileBytesUploaded: number;
}

/**
 * The bars of a push or a copy; with `samples` (a running job) the rates and the time left as well.
 * `moving` is whether NARs are going up yet: before that the totals are still being counted.
 */
export function TransferFigures({ progress, moving, samples, destination }: { progress: TransferCounters; moving: boolean; samples?: Sample[]; destination: string }) {
  const rates = samples ? ratesOf(samples) : undefined;
  const eta = moving ? etaMs(progress, rates) : undefined;
  // What the upload will come to, guessed from the compression so far; the bar needs some total.
  const ratio = progress.narBytesRead > 0 ? progress.fileBytesUploaded / progress.narBytesRead : 0;
  const uploadTotal = ratio > 0 ? progress.narBytesTotal * ratio : 0;
  const measuring = !moving && samples !== undefined;
  return (
    <div className="push__bars">
      <ProgressBar label="Paths" value={progress.pathsDone} max={progress.pathsTotal} text={`${progress.pathsDone} of ${plural(progress.pathsTotal, 'path')}`} indeterminate={measuring} />
      <ProgressBar
        label="NAR bytes read"
        value={progress.narBytesRead}
        max={progress.narBytesTotal}
        text={`${formatBytes(progress.narBytesRead)} of ${formatBytes(progress.narBytesTotal)} read`}
        indeterminate={measuring}
      />
      <ProgressBar
        label={`Uploaded to ${destination}`}
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
