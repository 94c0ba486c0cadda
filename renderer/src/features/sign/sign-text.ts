import type { SignProgressView, SignSummaryView } from '../../../../shared/api/contract';
import { formatCount, plural } from '../../ui/format';

/** How many paths one sign job takes (the contract's limit): more is what "all paths" is for. */
export const maxPathsAtOnce = 1000;

const hash = '[0-9a-df-np-sv-z]{32}';
const name = '[A-Za-z0-9+\\-._?=]+';
const hashOnly = new RegExp(`^${hash}$`);
const baseName = new RegExp(`^${hash}-${name}$`);
const storePath = new RegExp(`^/nix/store/${hash}-${name}/?$`);

export interface PathLines {
  /** What to send: each path once, in the order typed. */
  paths: string[];
  /** Lines that are no store path, base name or hash: "line 3: …". */
  problems: string[];
}

/**
 * The textarea's paths: one a line, blank lines and `#` comments skipped, surrounding space trimmed,
 * each checked the way the main process will (so a typo is pointed at by line before anything runs).
 */
export function parsePathLines(text: string): PathLines {
  const paths: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (hashOnly.test(line) || baseName.test(line) || storePath.test(line)) {
      const path = line.replace(/\/$/, '');
      if (!paths.includes(path)) paths.push(path);
    } else {
      problems.push(`line ${index + 1}: “${line.length > 80 ? `${line.slice(0, 77)}…` : line}” is not a store path (/nix/store/<hash>-<name>), a base name or a hash`);
    }
  });
  if (paths.length > maxPathsAtOnce) problems.push(`${formatCount(paths.length)} paths: at most ${formatCount(maxPathsAtOnce)} at once; sign all paths instead`);
  return { paths, problems };
}

/** Where a sign job stands, in words. */
export function signProgressText(progress: SignProgressView | undefined): string {
  if (!progress) return 'Starting…';
  switch (progress.phase) {
    case 'closure':
      return `Following references in the cache: ${plural(progress.found, 'path')} found${progress.failed ? `, ${formatCount(progress.failed)} missing` : ''}`;
    case 'listing':
      return `Listing the cache: ${plural(progress.listed, 'narinfo')} so far`;
    case 'signing': {
      const failed = progress.failed ? `, ${formatCount(progress.failed)} failed` : '';
      return `${formatCount(progress.done)} of ${plural(progress.total, 'path')} looked at: ${formatCount(progress.signed)} signed, ${formatCount(progress.alreadySigned)} signed already${failed}`;
    }
  }
}

/** 0..1 while signing; undefined while the closure is followed or the cache listed (nobody knows the total yet). */
export function signFraction(progress: SignProgressView | undefined): number | undefined {
  if (progress?.phase !== 'signing') return undefined;
  return progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
}

/** The summary's first line. */
export function signSummaryText(summary: SignSummaryView, keyName: string): string {
  const parts = [`${plural(summary.signed, 'path')} signed with ${keyName}`, `${formatCount(summary.alreadySigned)} signed already`];
  if (summary.failedCount) parts.push(`${formatCount(summary.failedCount)} failed`);
  return `${parts.join(', ')}.`;
}
