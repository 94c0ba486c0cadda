import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { leafXz, topXz } from '../../../shared/nix/testdata/fixtures';
import { cacheClosure } from './cache-closure';
import { folderCache, narinfo } from './sign-test-util';

const topHash = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';
const leafHash = '71nkqrw4r948fg17d1isyhdgx6djha39';
const midHash = 'khn540rbqyq3yi1mpn9lkq6l4f0ayb90';
const top = `/nix/store/${topHash}-narwhal-top`;
const leaf = `/nix/store/${leafHash}-narwhal-leaf`;
const mid = `/nix/store/${midHash}-narwhal-mid`;

const h = (c: string) => c.repeat(32);

describe('cacheClosure', () => {
  it('follows References through the cache; a missing reference is a failure naming who refers to it, and the walk goes on', async () => {
    const { store } = await folderCache({ [topHash]: topXz, [leafHash]: leafXz });
    const found: number[] = [];
    const closure = await cacheClosure(store, [top], { onProgress: (n) => found.push(n) });
    expect(closure.storePaths).toEqual([top, leaf]);
    expect(closure.failed).toEqual([{ path: mid, reason: `the cache has no ${midHash}.narinfo, which ${top} refers to` }]);
    expect(found.at(-1)).toBe(2);
  });

  it('visits each path once through shared and self references, whichever way the roots are named', async () => {
    const [a, b, c, d] = [h('a'), h('b'), h('c'), h('d')];
    const { store } = await folderCache({
      [a]: narinfo(a, 'a', [`${b}-b`, `${c}-c`, `${a}-a`]),
      [b]: narinfo(b, 'b', [`${d}-d`]),
      [c]: narinfo(c, 'c', [`${d}-d`, `${b}-b`]),
      [d]: narinfo(d, 'd', [`${d}-d`]),
    });
    const closure = await cacheClosure(store, [`/nix/store/${a}-a`, a, `${c}-c`], { concurrency: 2 });
    // The paths given first, then breadth first.
    expect(closure.storePaths).toEqual([`/nix/store/${a}-a`, `/nix/store/${c}-c`, `/nix/store/${b}-b`, `/nix/store/${d}-d`]);
    expect(closure.failed).toEqual([]);
  });

  it('a path given that the cache lacks, or whose narinfo describes another path, fails on its own', async () => {
    const [a, b] = [h('a'), h('b')];
    const { store } = await folderCache({ [a]: narinfo(a, 'a', []), [b]: narinfo(b, 'other', []) });
    const closure = await cacheClosure(store, [`/nix/store/${a}-a`, `/nix/store/${b}-b`, h('c')]);
    expect(closure.storePaths).toEqual([`/nix/store/${a}-a`]);
    expect(closure.failed).toEqual([
      { path: `/nix/store/${b}-b`, reason: `${b}.narinfo describes /nix/store/${b}-other, not /nix/store/${b}-b` },
      { path: h('c'), reason: `the cache has no ${h('c')}.narinfo` },
    ]);
  });

  it('a reference whose narinfo is broken is a failure; what it would have led to is not reached', async () => {
    const [a, b] = [h('a'), h('b')];
    const { store } = await folderCache({ [a]: narinfo(a, 'a', [`${b}-b`]), [b]: 'StorePath: nonsense\n' });
    const closure = await cacheClosure(store, [a]);
    expect(closure.storePaths).toEqual([`/nix/store/${a}-a`]);
    expect(closure.failed).toHaveLength(1);
    expect(closure.failed[0]).toMatchObject({ path: `/nix/store/${b}-b` });
    expect(closure.failed[0]!.reason).toMatch(new RegExp(`^${b}\\.narinfo is not a valid narinfo: .*, which /nix/store/${a}-a refers to$`));
    // The narinfo is named once, not again by the parser.
    expect(closure.failed[0]!.reason.split(`${b}.narinfo`)).toHaveLength(2);
  });

  it('refuses a path that is no store path, base name or hash before reading anything', async () => {
    const { store } = await folderCache({});
    await expect(cacheClosure(store, ['firefox'])).rejects.toSatisfy((e) => e instanceof ApiError && e.code === 'invalid-input' && /"firefox" is not a store path/.test(e.message));
  });

  it('stops when aborted', async () => {
    const { store } = await folderCache({ [topHash]: topXz, [leafHash]: leafXz });
    const controller = new AbortController();
    controller.abort(new Error('stopped by the test'));
    await expect(cacheClosure(store, [top], { signal: controller.signal })).rejects.toThrow('stopped by the test');
  });
});
