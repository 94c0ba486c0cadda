import { describe, expect, it } from 'vitest';
import { formatUtc, nameOf, shortSig } from './path-text';

describe('path page wording', () => {
  it('names paths, times and signatures the same way everywhere', () => {
    expect(nameOf('0123456789abcdfghijklmnpqrsvwxyz-hello-2.12')).toBe('hello-2.12');
    expect(nameOf('0123456789abcdfghijklmnpqrsvwxyz')).toBe('0123456789abcdfghijklmnpqrsvwxyz');
    expect(formatUtc('2026-12-03T21:55:41.954Z')).toBe('2026-12-03 21:55 UTC');
    expect(formatUtc('yesterday')).toBe('yesterday');
    expect(shortSig('cache-1:a9hqT1gs5Cg5LFg7CLBaSSCVjCV6r77Q')).toBe('cache-1:a9hqT1gs5Cg5…');
    expect(shortSig('k:abc')).toBe('k:abc');
  });
});
