import { describe, expect, it } from 'vitest';
import { bigNarBytes, compressionThreads } from './compression-threads';

describe('compressionThreads', () => {
  it('gives a big zstd NAR every core and everything else one thread', () => {
    expect(compressionThreads('zstd', bigNarBytes, 8)).toBe(8);
    expect(compressionThreads('zstd', bigNarBytes - 1, 8)).toBe(1);
    expect(compressionThreads('xz', 10 * bigNarBytes, 8)).toBe(1);
    expect(compressionThreads('none', 10 * bigNarBytes, 8)).toBe(1);
    expect(compressionThreads('zstd', bigNarBytes, 0)).toBe(1);
  });
});
