import { describe, expect, it, vi } from 'vitest';
import { chunk, NameCache } from './name-cache';

describe('NameCache', () => {
  it('asks for each hash once: neither known nor pending hashes are missing', () => {
    const cache = new NameCache();
    expect(cache.missing(['a', 'b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    cache.claim(['a', 'b']);
    expect(cache.missing(['a', 'b', 'c'])).toEqual(['c']);
    cache.fill(['a', 'b'], { a: { name: 'hello' }, b: { error: 'broken narinfo' } });
    expect(cache.missing(['a', 'b', 'c'])).toEqual(['c']);
    expect(cache.nameOf('a')).toBe('hello');
    expect(cache.nameOf('b')).toBeUndefined();
    expect(cache.get('b')).toEqual({ error: 'broken narinfo' });
  });

  it('lets hashes an answer left out, or an abandoned call held, be asked again', () => {
    const cache = new NameCache();
    cache.claim(['a', 'b', 'c']);
    cache.fill(['a', 'b'], { a: { name: 'x' } });
    cache.release(['c']);
    expect(cache.missing(['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('records a failed call as an error on each of its rows', () => {
    const cache = new NameCache();
    cache.claim(['a']);
    cache.fail(['a'], 'Lost the connection');
    expect(cache.get('a')).toEqual({ error: 'Lost the connection' });
    expect(cache.missing(['a'])).toEqual([]);
  });

  it('forgets failures on request, but keeps the names it learnt', () => {
    const cache = new NameCache();
    cache.fill(['a', 'b'], { a: { name: 'x' }, b: { error: 'narinfo disappeared' } });
    cache.forgetErrors();
    expect(cache.missing(['a', 'b'])).toEqual(['b']);
    expect(cache.nameOf('a')).toBe('x');
  });

  it('tells subscribers when names arrive and bumps its version', () => {
    const cache = new NameCache();
    const listener = vi.fn();
    const unsubscribe = cache.subscribe(listener);
    cache.fill(['a'], { a: { name: 'x' } });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(cache.getVersion()).toBe(1);
    unsubscribe();
    cache.fill(['b'], { b: { name: 'y' } });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('chunk', () => {
  it('keeps every call within the API limit', () => {
    const hashes = Array.from({ length: 1201 }, (_, i) => String(i));
    expect(chunk(hashes).map((c) => c.length)).toEqual([500, 500, 201]);
    expect(chunk([])).toEqual([]);
  });
});
