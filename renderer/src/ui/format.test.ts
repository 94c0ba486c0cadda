import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatElapsed, plural } from './format';

describe('format', () => {
  it('groups thousands the same way everywhere', () => {
    expect(formatCount(100_000)).toBe('100,000');
    expect(plural(1, 'path')).toBe('1 path');
    expect(plural(2_500, 'path')).toBe('2,500 paths');
  });

  it('writes durations in ms below a second', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1530)).toBe('1.5 s');
    expect(formatDuration(42_000)).toBe('42 s');
  });

  it('writes a running clock in whole seconds, then minutes', () => {
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(7_400)).toBe('7 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
  });
});
