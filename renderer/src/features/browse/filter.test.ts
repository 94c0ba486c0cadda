import { describe, expect, it } from 'vitest';
import { filterEntries, looksLikeHash, parseFilter, storePathOf } from './filter';

const a = { hash: '0a1b2c3d4f5g6h7i8j9k0l1m2n3p4q5r' };
const b = { hash: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', name: 'hello-2.12' };
const c = { hash: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' };
const names = new Map([[c.hash, 'glibc-2.40']]);
const nameOf = (hash: string) => names.get(hash);

describe('filterEntries', () => {
  it('returns the same list when there is nothing to filter by', () => {
    const entries = [a, b, c];
    expect(filterEntries(entries, parseFilter('   '), nameOf)).toBe(entries);
  });

  it('matches a hash substring, case-insensitively', () => {
    expect(filterEntries([a, b, c], parseFilter('4F5G'), nameOf)).toEqual([a]);
  });

  it('matches names from the listing and from resolved names', () => {
    expect(filterEntries([a, b, c], parseFilter('hello'), nameOf)).toEqual([b]);
    expect(filterEntries([a, b, c], parseFilter('GLIBC'), nameOf)).toEqual([c]);
    expect(filterEntries([a, b, c], parseFilter('2.'), nameOf)).toEqual([b, c]);
  });

  it('finds a pasted store path by its hash, name or not', () => {
    expect(parseFilter(`/nix/store/${b.hash}-hello-2.12`)).toEqual({ text: `/nix/store/${b.hash}-hello-2.12`, hash: b.hash });
    expect(filterEntries([a, b, c], parseFilter(`/nix/store/${c.hash}-wrong-name`), nameOf)).toEqual([c]);
    expect(filterEntries([a, b, c], parseFilter(`/nix/store/${a.hash}`), nameOf)).toEqual([a]);
  });

  it('treats text that only looks a bit like a store path as a substring', () => {
    expect(parseFilter('/nix/store/abc')).toEqual({ text: '/nix/store/abc' });
  });
});

describe('storePathOf', () => {
  it('spells the store path, or the hash alone while the name is unknown', () => {
    expect(storePathOf(b.hash, 'hello-2.12')).toBe(`/nix/store/${b.hash}-hello-2.12`);
    expect(storePathOf(a.hash, undefined)).toBe(`/nix/store/${a.hash}`);
  });
});

describe('looksLikeHash', () => {
  it('tells a piece of a hash from a name', () => {
    expect(looksLikeHash('0qav637kq7')).toBe(true);
    expect(looksLikeHash('glibc')).toBe(false);
    expect(looksLikeHash('python3')).toBe(false);
    expect(looksLikeHash('0qa')).toBe(false);
  });
});
