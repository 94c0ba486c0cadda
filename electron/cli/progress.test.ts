import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { groupDigits, progressLine } from './progress';

function terminal(columns = 80): { stream: PassThrough; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, written: () => chunks.join('') };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('progressLine', () => {
  it('redraws at most ten times a second, and always shows the latest state', async () => {
    const { stream, written } = terminal();
    const progress = progressLine(stream, { now: () => Date.now() });
    for (let i = 1; i <= 1000; i++) {
      progress.update(`read ${i}`);
      vi.advanceTimersByTime(1); // 1000 updates over one second
    }
    vi.advanceTimersByTime(200);
    await Promise.resolve();
    const draws = written().split('\r\x1b[K').slice(1);
    expect(draws.length).toBeLessThanOrEqual(11);
    expect(draws.length).toBeGreaterThanOrEqual(9);
    expect(draws[0]).toBe('read 1');
    expect(draws.at(-1)).toBe('read 1000');
    progress.done();
    expect(written().endsWith('\r\x1b[K')).toBe(true);
  });

  it('cuts a line longer than the terminal, which would wrap', () => {
    const { stream, written } = terminal(20);
    const progress = progressLine(stream);
    progress.update('x'.repeat(50));
    expect(written()).toBe('\r\x1b[K' + 'x'.repeat(18) + '…');
  });

  it('writes nothing at all when the stream is not a terminal', () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const progress = progressLine(stream);
    progress.update('read 1');
    vi.advanceTimersByTime(500);
    progress.done();
    expect(chunks).toEqual([]);
  });

  it('groups digits by three', () => {
    expect([0, 999, 1000, 12000, 1234567].map(groupDigits)).toEqual(['0', '999', '1 000', '12 000', '1 234 567']);
  });
});
