import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { parsePublicKey, secretKeyFromSeed } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import { leafXz, pk1, srcCa, topXz } from '../../../shared/nix/testdata/fixtures';
import type { SignClosureProgress } from './sign-closure';
import { checkSignRequest, signClosure } from './sign-closure';
import { folderCache, narinfo } from './sign-test-util';

const key = secretKeyFromSeed('c.example.org-1', new Uint8Array(32).fill(7));
const topHash = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';
const leafHash = '71nkqrw4r948fg17d1isyhdgx6djha39';
const midHash = 'khn540rbqyq3yi1mpn9lkq6l4f0ayb90';
const srcHash = 'mhdw9530di6v5mh5vq4dmrwwm96zfphv';
const top = `/nix/store/${topHash}-narwhal-top`;

const signedByKey = async (root: string, hash: string) => verifyNarinfo(parseNarinfo(await readFile(join(root, `${hash}.narinfo`), 'utf8')), [key.publicKey]).status === 'valid';
const isInvalidInput = (pattern: RegExp) => (e: unknown) => e instanceof ApiError && e.code === 'invalid-input' && pattern.test(e.message);

describe('signClosure', () => {
  it('closure: signs the paths and what they refer to in the cache, not the rest; a missing reference fails and counts', async () => {
    const { root, store } = await folderCache({ [topHash]: topXz, [leafHash]: leafXz, [srcHash]: srcCa });
    const events: SignClosureProgress[] = [];
    const summary = await signClosure({ store, key, paths: [top], closure: true, onProgress: (p) => events.push(p) });
    expect(summary).toEqual({
      signed: 2,
      alreadySigned: 0,
      total: 3,
      failed: [{ path: `/nix/store/${midHash}-narwhal-mid`, reason: `the cache has no ${midHash}.narinfo, which ${top} refers to` }],
    });
    expect(await signedByKey(root, topHash)).toBe(true);
    expect(await signedByKey(root, leafHash)).toBe(true);
    // Not in top's closure.
    expect(await signedByKey(root, srcHash)).toBe(false);

    expect(events[0]).toEqual({ phase: 'closure', found: 0, failed: 0 });
    expect(events).toContainEqual({ phase: 'closure', found: 2, failed: 1 });
    // The missing path is looked at (and failed) from the start of the signing.
    expect(events.find((e) => e.phase === 'signing')).toMatchObject({ done: 1, total: 3, failed: 1 });
    expect(events.at(-1)).toMatchObject({ phase: 'signing', done: 3, total: 3, signed: 2, failed: 1 });

    const again = await signClosure({ store, key, paths: [topHash], closure: true });
    expect(again).toMatchObject({ signed: 0, alreadySigned: 2, total: 3 });
  });

  it('closure with a trusted key: signs only what that key vouches for, along the whole closure', async () => {
    const [a] = ['a'.repeat(32)];
    // a (unsigned) refers to top, which test.example.org-1 signed.
    const { root, store } = await folderCache({ [a]: narinfo(a, 'a', [`${topHash}-narwhal-top`]), [topHash]: topXz, [leafHash]: leafXz });
    const summary = await signClosure({ store, key, paths: [a], closure: true, requireSignedBy: [parsePublicKey(pk1)] });
    expect(summary).toMatchObject({ signed: 2, alreadySigned: 0, total: 4 });
    expect(summary.failed.map((f) => f.path)).toEqual([`/nix/store/${a}-a`, `/nix/store/${midHash}-narwhal-mid`]);
    expect(summary.failed[0]!.reason).toMatch(/it is unsigned, and no trusted key vouches for it/);
    expect(await signedByKey(root, a)).toBe(false);
    expect(await signedByKey(root, topHash)).toBe(true);
  });

  it('closure where no path of it is in the cache: every one fails, nothing is written', async () => {
    const { store } = await folderCache({});
    const summary = await signClosure({ store, key, paths: [top, leafHash], closure: true });
    expect(summary).toEqual({
      signed: 0,
      alreadySigned: 0,
      total: 2,
      failed: [
        { path: top, reason: `the cache has no ${topHash}.narinfo` },
        { path: leafHash, reason: `the cache has no ${leafHash}.narinfo` },
      ],
    });
  });

  it('without closure it signs only the paths given', async () => {
    const { root, store } = await folderCache({ [topHash]: topXz, [leafHash]: leafXz });
    expect(await signClosure({ store, key, paths: [top] })).toEqual({ signed: 1, alreadySigned: 0, failed: [], total: 1 });
    expect(await signedByKey(root, leafHash)).toBe(false);
  });

  it('refuses contradictory or empty requests, and paths that are not paths, before any work', () => {
    for (const [request, pattern] of [
      [{ all: true, closure: true }, /All paths already include every closure/],
      [{ all: true, paths: [top] }, /not both/],
      [{ paths: [] }, /Nothing to sign/],
      [{ paths: [top, 'hello world'] }, /"hello world" is not a store path/],
    ] as const) {
      let thrown: unknown;
      try {
        checkSignRequest(request);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toSatisfy(isInvalidInput(pattern));
    }
    expect(() => checkSignRequest({ paths: [top, leafHash, `${leafHash}-narwhal-leaf`], closure: true })).not.toThrow();
  });
});
