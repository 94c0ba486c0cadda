const count = new Intl.NumberFormat('en-US');

/** Counts are written the same way on every machine, so screenshots and tests agree. */
export const formatCount = (n: number): string => count.format(n);

export const plural = (n: number, one: string, many: string = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "0 s", "7 s", "1 min 05 s": a running clock, in whole seconds. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `value` when it is a finite number, else undefined: for fields of a job's progress or output, which the page does not trust blindly. */
export const finiteNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
