import type { PushProgressView } from '../../../../shared/api/contract';
import { formatCount, formatElapsed, plural } from '../../ui/format';

/**
 * The numbers the Push screen shows, in words: sizes, rates, the estimated time left and what the
 * cache already has. Pure, so the wording is tested without a browser.
 */

const units = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as Nix and file managers print them: "512 B", "3.1 MB", "150 MB". */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${formatCount(Math.round(value))} B`;
  // 9.96 rounds to "10.0": write it as 10 then.
  const text = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  return `${text} ${units[unit]}`;
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

/** One reading of a running push's counters. */
export interface Sample {
  at: number;
  narBytesRead: number;
  fileBytesUploaded: number;
}

/** How far back the rates look: long enough to smooth out one path's burst, short enough to follow a change. */
export const rateWindowMs = 5_000;

/** Keeps the samples of the last `rateWindowMs` (and at least the one before, so there is always a span). */
export function addSample(samples: readonly Sample[], sample: Sample): Sample[] {
  const next = [...samples, sample];
  const from = next.findIndex((s) => s.at >= sample.at - rateWindowMs);
  return next.slice(Math.max(0, from - 1));
}

export interface Rates {
  /** NAR bytes read (hashed and compressed) per second. */
  read: number;
  /** Compressed bytes uploaded per second. */
  upload: number;
}

/** Rates over the samples' span; undefined until they span at least half a second. */
export function ratesOf(samples: readonly Sample[]): Rates | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  if (seconds < 0.5) return undefined;
  return {
    read: Math.max(0, (last.narBytesRead - first.narBytesRead) / seconds),
    upload: Math.max(0, (last.fileBytesUploaded - first.fileBytesUploaded) / seconds),
  };
}

/** Milliseconds left at the current read rate; undefined when it cannot be told (nothing read lately). */
export function etaMs(progress: Pick<PushProgressView, 'narBytesTotal' | 'narBytesRead'>, rates: Rates | undefined): number | undefined {
  if (!rates || rates.read <= 0) return undefined;
  return (Math.max(0, progress.narBytesTotal - progress.narBytesRead) / rates.read) * 1000;
}

export const formatEta = (ms: number): string => (ms < 1000 ? 'less than a second left' : `about ${formatElapsed(ms)} left`);

/** "12 of 40 paths, 3.1 MB of 150 MB already in Local cache" */
export function inCacheText(closure: { paths: number; narSize: number; inCache: { paths: number; narSize: number } }, cacheName: string): string {
  const { paths, narSize, inCache } = closure;
  return `${formatCount(inCache.paths)} of ${plural(paths, 'path')}, ${formatBytes(inCache.narSize)} of ${formatBytes(narSize)} already in ${cacheName}`;
}

export function phaseText(progress: PushProgressView, cacheName: string): string {
  switch (progress.phase) {
    case 'closure':
      return 'Reading the closure from the local store…';
    case 'listing':
      return `Seeing what ${cacheName} already has…`;
    case 'pushing':
      return progress.pathsTotal === 0 ? `${cacheName} already has every path` : `Pushing ${formatCount(progress.pathsDone)} of ${plural(progress.pathsTotal, 'path')}`;
  }
}

/** "150 MB → 38 MB (25%)": NAR bytes against what went up, compressed. */
export function compressionText(narBytes: number, fileBytes: number): string {
  if (narBytes === 0) return 'nothing to upload';
  const percent = Math.round((fileBytes / narBytes) * 100);
  return `${formatBytes(narBytes)} of NARs → ${formatBytes(fileBytes)} uploaded (${percent}% of the original size)`;
}

/** The name part of a store path: `/nix/store/<hash>-hello-2.12` → `hello-2.12`. */
export function storeName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^[0-9a-z]{32}-/.test(base) ? base.slice(33) : base;
}
