import type { CopyProgressView, CopySummaryView } from '../../../../shared/api/contract';
import { formatCount, plural } from '../../ui/format';
import { formatBytes } from '../push/figures';

/** What a copy is doing, in words, for the Copy screen and the Jobs panel. Pure, so tested without a browser. */

export function copyPhaseText(progress: CopyProgressView, destination: string): string {
  switch (progress.phase) {
    case 'listing':
      return `Listing ${destination}… ${plural(progress.listed, 'narinfo')}`;
    case 'reading':
      return `Reading the closure from the source… ${plural(progress.narinfosRead, 'narinfo')}`;
    case 'copying':
      return progress.pathsTotal === 0 ? `${destination} already has every path` : `Copying ${formatCount(progress.pathsDone)} of ${plural(progress.pathsTotal, 'path')}`;
  }
}

/** The Jobs panel's line for a running copy: short, without the destination's name (the job's title has it). */
export function copyJobText(progress: CopyProgressView | undefined): string {
  if (!progress) return 'Starting';
  switch (progress.phase) {
    case 'listing':
      return `Listing the destination: ${plural(progress.listed, 'narinfo')} so far`;
    case 'reading':
      return `Reading the closure from the source: ${plural(progress.narinfosRead, 'narinfo')} so far`;
    case 'copying':
      return `${formatCount(progress.pathsDone)} of ${plural(progress.pathsTotal, 'path')} copied`;
  }
}

/** How far a running copy is, by NAR bytes read; undefined (an indeterminate bar) before the copying starts. */
export function copyFraction(progress: CopyProgressView | undefined): number | undefined {
  if (progress?.phase !== 'copying' || progress.narBytesTotal <= 0) return undefined;
  return Math.min(1, progress.narBytesRead / progress.narBytesTotal);
}

/** "3 paths copied, 2 already there", for the Jobs panel. */
export function copySummaryLine(summary: Pick<CopySummaryView, 'copied' | 'skipped'>): string {
  return `${plural(summary.copied, 'path')} copied, ${formatCount(summary.skipped)} already there`;
}

/** "kept as in the source" or "recompressed to zstd", with the sizes: what the summary says about the bytes. */
export function copyBytesText(summary: Pick<CopySummaryView, 'narBytes' | 'fileBytes' | 'recompressedTo' | 'copied'>): string {
  if (summary.copied === 0) return 'nothing to copy';
  const how = summary.recompressedTo ? `recompressed to ${summary.recompressedTo}` : 'kept as in the source';
  return `${formatBytes(summary.narBytes)} of NARs → ${formatBytes(summary.fileBytes)} uploaded, ${how}`;
}
