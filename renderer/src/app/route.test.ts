import { describe, expect, it } from 'vitest';
import type { Route } from './route';
import { formatRoute, parseRoute } from './route';

const base = '0123456789abcdfghijklmnpqrsvwxyz-hello-2.12.1';

describe('route URLs', () => {
  const routes: Array<[Route, string]> = [
    [{ view: 'caches', tab: 'paths' }, '#/'],
    [{ view: 'caches', cacheId: 'c1', tab: 'paths' }, '#/caches/c1/paths'],
    [{ view: 'caches', cacheId: 'c1', tab: 'stats' }, '#/caches/c1/stats'],
    [{ view: 'caches', cacheId: 'c1', tab: 'policy' }, '#/caches/c1/policy'],
    [{ view: 'caches', cacheId: 'c1', tab: 'paths', path: base, pathTab: 'overview' }, `#/caches/c1/paths/${base}`],
    [{ view: 'caches', cacheId: 'c1', tab: 'paths', path: base, pathTab: 'closure' }, `#/caches/c1/paths/${base}/closure`],
    [{ view: 'caches', cacheId: 'c1', tab: 'paths', path: base, pathTab: 'files' }, `#/caches/c1/paths/${base}/files`],
    [{ view: 'caches', cacheId: 'c1', tab: 'paths', path: base, pathTab: 'log' }, `#/caches/c1/paths/${base}/log`],
    [{ view: 'push' }, '#/push'],
    [{ view: 'copy' }, '#/copy'],
    [{ view: 'keys' }, '#/keys'],
  ];

  it.each(routes)('formats %j as %s and parses it back', (route, url) => {
    expect(formatRoute(route)).toBe(url);
    expect(parseRoute(url)).toEqual({ route, known: true });
  });

  it('escapes what a URL segment cannot hold and reads it back', () => {
    const route: Route = { view: 'caches', cacheId: 'a b/c', tab: 'paths', path: '0123456789abcdfghijklmnpqrsvwxyz-a+b?=c', pathTab: 'closure' };
    const url = formatRoute(route);
    expect(url).toBe('#/caches/a%20b%2Fc/paths/0123456789abcdfghijklmnpqrsvwxyz-a%2Bb%3F%3Dc/closure');
    expect(parseRoute(url).route).toEqual(route);
  });

  it('reads forms people type: no #, no leading slash, a trailing slash, a cache without a tab', () => {
    expect(parseRoute('').route).toEqual({ view: 'caches', tab: 'paths' });
    expect(parseRoute('#').route).toEqual({ view: 'caches', tab: 'paths' });
    expect(parseRoute('caches/c1/stats/')).toEqual({ route: { view: 'caches', cacheId: 'c1', tab: 'stats' }, known: true });
    expect(parseRoute('#/caches/c1')).toEqual({ route: { view: 'caches', cacheId: 'c1', tab: 'paths' }, known: true });
    expect(parseRoute('#/keys/')).toEqual({ route: { view: 'keys' }, known: true });
  });

  it('lands somewhere sensible, saying it did not know the URL, for what names nothing', () => {
    expect(parseRoute('#/nonsense')).toEqual({ route: { view: 'caches', tab: 'paths' }, known: false });
    expect(parseRoute('#/push/extra')).toEqual({ route: { view: 'caches', tab: 'paths' }, known: false });
    expect(parseRoute('#/caches/c1/graphs')).toEqual({ route: { view: 'caches', cacheId: 'c1', tab: 'paths' }, known: false });
    expect(parseRoute(`#/caches/c1/stats/${base}`)).toEqual({ route: { view: 'caches', cacheId: 'c1', tab: 'stats' }, known: false });
    expect(parseRoute(`#/caches/c1/paths/${base}/nope`)).toEqual({ route: { view: 'caches', cacheId: 'c1', tab: 'paths', path: base, pathTab: 'overview' }, known: false });
    expect(parseRoute(`#/caches/c1/paths/${base}/log/more`).known).toBe(false);
    expect(parseRoute('#/caches/%E0%A4%A').known).toBe(false);
  });
});
