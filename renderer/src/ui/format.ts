const count = new Intl.NumberFormat('en-US');

/** Counts are written the same way on every machine, so screenshots and tests agree. */
export const formatCount = (n: number): string => count.format(n);

export const plural = (n: number, one: string, many: string = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
