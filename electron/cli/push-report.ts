// What `narwhal push` tells a person: the progress line while it runs and the summary at the end.
// Pure text from numbers, so it is tested without a push.
import { substituteLines } from '../../shared/keys/snippets';
import type { CopySummary } from '../services/copy/copy';
import type { PushProgress, PushSummary } from '../services/push/push';

/** `12.3 MB`: decimal units, as `du --si` and download tools count, one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** `0:07`, `12:30`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * `pushing 3/40 paths · 12.3/133.0 MB read · 5.1 MB uploaded · 4.2 MB/s · ETA 0:29`. Throughput is
 * NAR bytes read per second since the push began (reading the store is what the whole push waits on:
 * compression and upload keep pace with it or hold it back); the ETA is what is left at that rate.
 */
export function progressText(p: PushProgress, elapsedMs: number, verb = 'pushing'): string {
  const rate = elapsedMs > 0 ? p.narBytesRead / (elapsedMs / 1000) : 0;
  const left = p.narBytesTotal - p.narBytesRead;
  const eta = rate > 0 && p.narBytesRead > 0 ? formatDuration((left / rate) * 1000) : '–';
  return [
    `${verb} ${p.pathsDone}/${p.pathsTotal} paths`,
    `${mb(p.narBytesRead)}/${mb(p.narBytesTotal)} MB read`,
    `${mb(p.fileBytesUploaded)} MB uploaded`,
    `${mb(rate)} MB/s`,
    `ETA ${eta}`,
  ].join(' · ');
}

/** `0.4 s`, `12.0 s`, then `1:02` and `1:02:03`: how long a push took. */
export function formatElapsed(ms: number): string {
  return ms < 59_950 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

export interface SummaryContext {
  compression: string;
  /** The nix.conf lines that let a machine substitute from the cache. */
  nixConf: string;
  /** The public key that signed the narinfos; absent for an unsigned push. */
  signedWith?: string;
}

/** The lines printed after a push: what was done, then how to use the cache. */
export function summaryText(s: PushSummary, context: SummaryContext): string {
  const lines: string[] = [];
  const plural = (n: number) => `${n} path${n === 1 ? '' : 's'}`;
  if (s.pushed === 0) lines.push(`Nothing to push: the cache has all ${plural(s.skipped)} already (${formatElapsed(s.elapsedMs)}).`);
  else {
    const ratio = s.narBytes > 0 ? ` (${((s.fileBytes / s.narBytes) * 100).toFixed(1)}% of the NAR size)` : '';
    lines.push(`Pushed ${plural(s.pushed)}, skipped ${s.skipped} the cache already had.`);
    lines.push(`NAR ${formatBytes(s.narBytes)}, uploaded ${formatBytes(s.fileBytes)} ${context.compression}${ratio}, in ${formatElapsed(s.elapsedMs)}.`);
    lines.push(context.signedWith ? `Signed with ${context.signedWith.slice(0, context.signedWith.indexOf(':'))}.` : 'Unsigned: Nix substitutes these paths only where require-sigs is off.');
  }
  lines.push('', 'To substitute from this cache, add to nix.conf:', context.nixConf.trimEnd());
  return lines.join('\n') + '\n';
}

/** The lines printed after a copy: what was done, then how to use the destination. */
export function copySummaryText(s: CopySummary, context: Omit<SummaryContext, 'compression'> & { compression?: string; recompressed: boolean }): string {
  const plural = (n: number) => `${n} path${n === 1 ? '' : 's'}`;
  const lines: string[] = [];
  if (s.copied === 0) lines.push(`Nothing to copy: the destination has the closure already (${formatElapsed(s.elapsedMs)}).`);
  else {
    const ratio = s.narBytes > 0 ? ` (${((s.fileBytes / s.narBytes) * 100).toFixed(1)}% of the NAR size)` : '';
    lines.push(`Copied ${plural(s.copied)}${s.skipped > 0 ? `, skipped ${s.skipped} the destination already had` : ''}.`);
    const how = context.recompressed ? `recompressed to ${context.compression}` : 'kept as the source compressed them';
    lines.push(`NAR ${formatBytes(s.narBytes)}, uploaded ${formatBytes(s.fileBytes)}, ${how}${ratio}, in ${formatElapsed(s.elapsedMs)}.`);
    lines.push(context.signedWith ? `Signed with ${context.signedWith.slice(0, context.signedWith.indexOf(':'))}, besides the signatures the paths had.` : 'The signatures the paths had were kept; no key was added.');
  }
  lines.push('', 'To substitute from the destination, add to nix.conf:', context.nixConf.trimEnd());
  return lines.join('\n') + '\n';
}

/**
 * Progress as JSON lines for `--json`: at most ten a second, but every event marked `force` (a path
 * finished, a new phase) gets its own line, so a consumer never misses a step.
 */
export function jsonProgress(emit: (event: Record<string, unknown>) => void): (progress: object, force: boolean) => void {
  let last = -Infinity;
  return (progress, force) => {
    const now = performance.now();
    if (!force && now - last < 100) return;
    last = now;
    emit({ event: 'progress', ...progress });
  };
}

/** The nix.conf lines that let a machine substitute from the cache (shared/keys/snippets.ts). */
export const nixConfLines = substituteLines;
