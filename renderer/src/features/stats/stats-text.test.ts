import { describe, expect, it } from 'vitest';
import { agoText, bucketLabel, percentText, periodLabel, periodTick, powerOfTwoLabel, ratioText, shortName } from './stats-text';

describe('stats wording', () => {
  it('labels power-of-two buckets in binary units', () => {
    expect(powerOfTwoLabel(512)).toBe('512 B');
    expect(powerOfTwoLabel(1024)).toBe('1 KiB');
    expect(powerOfTwoLabel(2 ** 26)).toBe('64 MiB');
    expect(powerOfTwoLabel(2 ** 33)).toBe('8 GiB');
    expect(bucketLabel(1024, 2048)).toBe('1 KiB – 2 KiB');
    expect(bucketLabel(0, 2)).toBe('under 2 B');
  });

  it('gives compression ratios and shares', () => {
    expect(ratioText(3000, 1000)).toBe('3.00×');
    expect(ratioText(25_000, 1000)).toBe('25.0×');
    expect(ratioText(0, 0)).toBe('–');
    expect(percentText(1, 3)).toBe('33.3 %');
    expect(percentText(3, 3)).toBe('100 %');
    expect(percentText(0, 3)).toBe('0 %');
    expect(percentText(1, 100_000)).toBe('< 0.1 %');
    expect(percentText(99_999, 100_000)).toBe('> 99.9 %');
    expect(percentText(0, 0)).toBe('–');
  });

  it('names days and weeks in UTC', () => {
    const monday = Date.UTC(2026, 10, 2);
    expect(periodLabel(monday, 'day')).toBe('2 Nov 2026');
    expect(periodLabel(monday, 'week')).toBe('week of 2 Nov 2026');
    expect(periodTick(monday, false)).toBe('2 Nov');
    expect(periodTick(monday, true)).toBe('Nov 2026');
  });

  it('says how long ago, and shortens long names in the middle', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(agoText('2026-12-03T11:59:30Z', now)).toBe('just now');
    expect(agoText('2026-12-03T11:55:00Z', now)).toBe('5 min ago');
    expect(agoText('2026-12-03T09:00:00Z', now)).toBe('3 h ago');
    expect(agoText('2026-11-30T12:00:00Z', now)).toBe('3 days ago');
    expect(shortName('python3.11-3.11.9')).toBe('python3.11-3.11.9');
    const long = shortName('a'.repeat(30) + 'b'.repeat(30), 11);
    expect(long).toBe('aaaaa…bbbbb');
  });
});
