import { describe, expect, it } from 'vitest';
import { writeNarListingSetting } from './nar-listing-setting';

describe('writeNarListingSetting', () => {
  it('reads the setting as Nix reads a Boolean, the last occurrence winning; off when absent', () => {
    expect(writeNarListingSetting([])).toBe(false);
    expect(writeNarListingSetting([['compression', 'zstd']])).toBe(false);
    for (const yes of ['true', 'yes', '1']) expect(writeNarListingSetting([['write-nar-listing', yes]])).toBe(true);
    for (const no of ['false', 'no', '0']) expect(writeNarListingSetting([['write-nar-listing', no]])).toBe(false);
    expect(writeNarListingSetting([['write-nar-listing', '1'], ['write-nar-listing', 'false']])).toBe(false);
  });

  it('refuses any other value, naming it', () => {
    expect(() => writeNarListingSetting([['write-nar-listing', 'TRUE']])).toThrow(/write-nar-listing=TRUE in the store URL: it must be true or false/);
  });
});
