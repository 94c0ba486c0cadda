import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatElapsed, progressText, summaryText } from './push-report';

describe('push progress and summary text', () => {
  it('formats sizes and times as a person reads them', () => {
    expect([formatBytes(0), formatBytes(999), formatBytes(1000), formatBytes(1_234_567), formatBytes(133_000_000_000)]).toEqual(['0 B', '999 B', '1.0 kB', '1.2 MB', '133.0 GB']);
    expect([formatDuration(0), formatDuration(7_400), formatDuration(750_000), formatDuration(3_723_000)]).toEqual(['0:00', '0:07', '12:30', '1:02:03']);
    expect([formatElapsed(420), formatElapsed(12_000), formatElapsed(62_000)]).toEqual(['0.4 s', '12.0 s', '1:02']);
  });

  it('shows paths, MB read of total, MB uploaded, throughput and ETA', () => {
    const p = { pathsTotal: 40, pathsDone: 3, narBytesTotal: 133_000_000, narBytesRead: 33_000_000, fileBytesUploaded: 5_100_000 };
    // 33 MB in 10 s: 3.3 MB/s, and 100 MB left take 30 s more.
    expect(progressText(p, 10_000)).toBe('pushing 3/40 paths · 33.0/133.0 MB read · 5.1 MB uploaded · 3.3 MB/s · ETA 0:30');
    expect(progressText({ ...p, narBytesRead: 0, fileBytesUploaded: 0 }, 0)).toBe('pushing 3/40 paths · 0.0/133.0 MB read · 0.0 MB uploaded · 0.0 MB/s · ETA –');
  });

  it('sums up a push with its ratio and the nix.conf lines, and says when there was nothing to do', () => {
    const nixConf = 'extra-substituters = s3://b\nextra-trusted-public-keys = k-1:AAAA\n';
    expect(summaryText({ pushed: 2, skipped: 1, narBytes: 2_000_000, fileBytes: 500_000, elapsedMs: 1_500 }, { compression: 'xz', nixConf, signedWith: 'k-1:AAAA' })).toBe(
      [
        'Pushed 2 paths, skipped 1 the cache already had.',
        'NAR 2.0 MB, uploaded 500.0 kB xz (25.0% of the NAR size), in 1.5 s.',
        'Signed with k-1.',
        '',
        'To substitute from this cache, add to nix.conf:',
        'extra-substituters = s3://b',
        'extra-trusted-public-keys = k-1:AAAA',
        '',
      ].join('\n'),
    );
    expect(summaryText({ pushed: 0, skipped: 1, narBytes: 0, fileBytes: 0, elapsedMs: 300 }, { compression: 'xz', nixConf })).toMatch(/^Nothing to push: the cache has all 1 path already \(0\.3 s\)\./);
    expect(summaryText({ pushed: 1, skipped: 0, narBytes: 10, fileBytes: 10, elapsedMs: 300 }, { compression: 'none', nixConf: 'extra-substituters = s3://b\n' })).toContain('Unsigned: Nix substitutes these paths only where require-sigs is off.');
  });
});
