import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { parsePublicKey, secretKeyFromSeed } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import { leafXz, pk1, pk2, srcCa, topXz } from '../../../shared/nix/testdata/fixtures';
import { FileStore } from '../stores/file-store';
import type { SignProgress } from './sign-paths';
import { signPaths } from './sign-paths';

const key = secretKeyFromSeed('c.example.org-1', new Uint8Array(32).fill(7));
const topHash = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';
const leafHash = '71nkqrw4r948fg17d1isyhdgx6djha39';
const srcHash = 'mhdw9530di6v5mh5vq4dmrwwm96zfphv';
const topPath = `/nix/store/${topHash}-narwhal-top`;
// Nix's own top narinfo with a field only newer Nix writes: it must survive the rewrite.
const topWithProvenance = `${topXz}Provenance: {"type":"copied"}\n`;

async function cache(files: Record<string, string>): Promise<{ root: string; store: FileStore }> {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-sign-'));
  await writeFile(join(root, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  return { root, store: new FileStore(root) };
}

const read = (root: string, name: string) => readFile(join(root, name), 'utf8');
const signedByKey = (text: string) => verifyNarinfo(parseNarinfo(text), [key.publicKey]).status === 'valid';

describe('signPaths', () => {
  it('adds the signature to the paths given, keeping every other line; a second run finds them signed', async () => {
    const { root, store } = await cache({ [`${topHash}.narinfo`]: topWithProvenance, [`${leafHash}.narinfo`]: leafXz });
    const events: SignProgress[] = [];
    const summary = await signPaths({ store, key, paths: [topPath, `${leafHash}-narwhal-leaf`, leafHash], onProgress: (p) => events.push(p) });
    expect(summary).toEqual({ signed: 2, alreadySigned: 0, failed: [], total: 2 });

    const top = await read(root, `${topHash}.narinfo`);
    expect(signedByKey(top)).toBe(true);
    // The old signatures still verify, and the only new line is the key's Sig.
    expect(verifyNarinfo(parseNarinfo(top), [parsePublicKey(pk1)]).status).toBe('valid');
    const added = top.split('\n').filter((line) => !topWithProvenance.split('\n').includes(line));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^Sig: c\.example\.org-1:/);
    expect(top.endsWith('Provenance: {"type":"copied"}\n')).toBe(true);
    expect(signedByKey(await read(root, `${leafHash}.narinfo`))).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'signing', done: 2, total: 2, signed: 2 });

    const again = await signPaths({ store, key, paths: [topPath, leafHash] });
    expect(again).toEqual({ signed: 0, alreadySigned: 2, failed: [], total: 2 });
    expect(await read(root, `${topHash}.narinfo`)).toBe(top);
  });

  it('all: signs every narinfo of one listing; broken, missing-field and tampered narinfos fail one by one and stay as they were', async () => {
    const { root, store } = await cache({ [`${topHash}.narinfo`]: topXz, [`${srcHash}.narinfo`]: srcCa, [`${leafHash}.narinfo`]: leafXz });
    await signPaths({ store, key, paths: [leafHash] });
    // Hand edits: the leaf's NarHash after the key signed it; a narinfo that is not one.
    const tampered = (await read(root, `${leafHash}.narinfo`)).replace('1y6jm13lj85flc1wwa0zqv3zaq3fp4dz7n6axa7rn08s36y9mva8', '0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21gx');
    await writeFile(join(root, `${leafHash}.narinfo`), tampered);
    const garbageHash = '0'.repeat(32);
    await writeFile(join(root, `${garbageHash}.narinfo`), 'StorePath: nonsense\n');

    const listed: number[] = [];
    const summary = await signPaths({ store, key, all: true, onProgress: (p) => p.phase === 'listing' && listed.push(p.listed) });
    expect(listed.at(-1)).toBe(4);
    expect(summary).toMatchObject({ signed: 2, alreadySigned: 0, total: 4 });
    expect(summary.failed).toEqual([
      { path: `/nix/store/${leafHash}-narwhal-leaf`, reason: expect.stringMatching(/signature by c\.example\.org-1 does not verify.*NarHash.*changed after that key signed it.*Left unchanged/) },
      { path: `${garbageHash}.narinfo`, reason: expect.stringContaining(`${garbageHash}.narinfo is not a valid narinfo`) },
    ]);
    expect(await read(root, `${leafHash}.narinfo`)).toBe(tampered);
    expect(await read(root, `${garbageHash}.narinfo`)).toBe('StorePath: nonsense\n');
    expect(signedByKey(await read(root, `${srcHash}.narinfo`))).toBe(true);
    expect(signedByKey(await read(root, `${topHash}.narinfo`))).toBe(true);
    expect((await readdir(root)).sort()).toEqual([`${garbageHash}.narinfo`, `${leafHash}.narinfo`, `${srcHash}.narinfo`, `${topHash}.narinfo`, 'nix-cache-info'].sort());
  });

  it('reports a path the cache lacks and a narinfo of another path; refuses text that names no path before reading', async () => {
    const { store } = await cache({ [`${topHash}.narinfo`]: topXz });
    const summary = await signPaths({ store, key, paths: [leafHash, `/nix/store/${topHash}-other-name`] });
    expect(summary.failed).toEqual([
      { path: `/nix/store/${topHash}-other-name`, reason: `${topHash}.narinfo describes ${topPath}, not /nix/store/${topHash}-other-name` },
      { path: leafHash, reason: `the cache has no ${leafHash}.narinfo` },
    ]);
    await expect(signPaths({ store, key, paths: ['hello'] })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('"hello" is not a store path') });
    await expect(signPaths({ store, key })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('does not write when the fingerprint fields change between the read and the write', async () => {
    const { root, store } = await cache({ [`${topHash}.narinfo`]: topXz });
    const edited = topXz.replace('NarSize: 640', 'NarSize: 641');
    let reads = 0;
    // A push (or a hand edit) lands between sign's two reads of the narinfo.
    const racing = Object.create(store, {
      get: {
        value: async (k: string, o: object) => {
          reads += 1;
          if (reads === 2) await writeFile(join(root, `${topHash}.narinfo`), edited);
          return store.get(k, o);
        },
      },
    }) as FileStore;
    const summary = await signPaths({ store: racing, key, paths: [topHash] });
    expect(summary.signed).toBe(0);
    expect(summary.failed).toEqual([{ path: topPath, reason: expect.stringContaining('changed between reading and writing it; left unchanged') }]);
    expect(await read(root, `${topHash}.narinfo`)).toBe(edited);
  });

  it('requireSignedBy: signs only narinfos a trusted key vouches for; one edited after that key signed it fails', async () => {
    const unsigned = topXz.replace(/^Sig: .*\n/gm, '');
    // The leaf's NarHash edited by hand: its signatures (by pk1's and pk2's keys) no longer verify.
    const edited = leafXz.replace('1y6jm13lj85flc1wwa0zqv3zaq3fp4dz7n6axa7rn08s36y9mva8', '0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21gx');
    const { root, store } = await cache({ [`${topHash}.narinfo`]: unsigned, [`${leafHash}.narinfo`]: edited, [`${srcHash}.narinfo`]: srcCa });
    const summary = await signPaths({ store, key, all: true, requireSignedBy: [parsePublicKey(pk1)] });
    expect(summary.signed).toBe(1);
    expect(signedByKey(await read(root, `${srcHash}.narinfo`))).toBe(true);
    expect(summary.failed).toEqual([
      { path: `/nix/store/${leafHash}-narwhal-leaf`, reason: 'its signature by test.example.org-1 does not verify (its fingerprint fields were changed after that key signed it), and no trusted key vouches for it; left unsigned by c.example.org-1.' },
      { path: topPath, reason: 'it is unsigned, and no trusted key vouches for it; left unsigned by c.example.org-1.' },
    ]);
    expect(await read(root, `${leafHash}.narinfo`)).toBe(edited);
    expect(await read(root, `${topHash}.narinfo`)).toBe(unsigned);
    // Only another key trusted: the CA path is signed by pk1's key only.
    const fresh = await cache({ [`${srcHash}.narinfo`]: srcCa });
    const other = await signPaths({ store: fresh.store, key, paths: [srcHash], requireSignedBy: [parsePublicKey(pk2)] });
    expect(other.failed).toEqual([{ path: `/nix/store/${srcHash}-src`, reason: expect.stringMatching(/^it is signed only by test\.example\.org-1, and no trusted key/) }]);
    expect(await read(fresh.root, `${srcHash}.narinfo`)).toBe(srcCa);
  });

  it('a store error ends the run instead of becoming a per-path failure', async () => {
    const { store } = await cache({ [`${topHash}.narinfo`]: topXz });
    const denied = Object.create(store, {
      get: { value: () => Promise.reject(new ApiError('access-denied', 'no read')) },
    }) as FileStore;
    await expect(signPaths({ store: denied, key, paths: [topHash] })).rejects.toMatchObject({ code: 'access-denied' });
  });
});
