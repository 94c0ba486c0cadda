import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { leafXz, pk1, pk2, topXz } from '../../../shared/nix/testdata/fixtures';
import { whyChain } from '../../../shared/path/closure-graph';
import { IndexDb } from '../index/index-db';
import { refreshIndex } from '../index/refresh';
import { FileStore } from '../stores/file-store';
import { readClosure, readPathInfo, type PathSource } from './path-service';
import { ReferrerQueries } from './referrers';

// Narinfos Nix wrote: top refers to leaf and mid; this cache has top and leaf, not mid.
const top = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top';
const leaf = '71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf';
const mid = 'khn540rbqyq3yi1mpn9lkq6l4f0ayb90-narwhal-mid';
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function cache(extra: Record<string, string> = {}, options: { index?: boolean } = {}): Promise<PathSource & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-path-'));
  await writeFile(join(root, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  await writeFile(join(root, `${top.slice(0, 32)}.narinfo`), topXz);
  await writeFile(join(root, `${leaf.slice(0, 32)}.narinfo`), leafXz);
  for (const [name, text] of Object.entries(extra)) await writeFile(join(root, name), text);
  const store = new FileStore(root);
  const referrers = new ReferrerQueries();
  cleanup.push(() => referrers.closeAll(), () => rm(root, { recursive: true, force: true }));
  if (options.index === false) return { root, store, referrers };
  const { db } = IndexDb.open(join(root, '..', `${root.split('/').pop()}.sqlite`));
  cleanup.push(() => db.close(), () => rm(db.file, { force: true }));
  await refreshIndex(store, db);
  return { root, store, referrers, index: db };
}

describe('readPathInfo', () => {
  it('gives every field, the verdict of each signature against the chosen keys, and each reference present or missing', async () => {
    const source = await cache();
    const info = await readPathInfo(source, `/nix/store/${top}`, [pk1]);
    expect(info).toMatchObject({ found: true, basename: top, raw: topXz, problems: [], accepted: true, contentAddressed: false });
    expect(info.fields).toMatchObject({ compression: 'xz', narSize: 640, deriver: 'nrs7nm8yl5r6qlvcx9pmajpvr9w73m5q-narwhal-top.drv' });
    expect(info.signatures.map((s) => [s.keyName, s.result])).toEqual([
      ['b.example.org-2', 'untrusted'],
      ['test.example.org-1', 'valid'],
    ]);
    expect(info.references).toEqual([
      { basename: leaf, hash: leaf.slice(0, 32), state: 'present', narSize: 288 },
      { basename: mid, hash: mid.slice(0, 32), state: 'missing' },
    ]);
    const untrusted = await readPathInfo(source, top, []);
    expect(untrusted.signatures.map((s) => s.result)).toEqual(['untrusted', 'untrusted']);
    expect(untrusted.accepted).toBe(false);
    expect((await readPathInfo(source, top.slice(0, 32), [pk2])).signatures[0]!.result).toBe('valid');
  });

  it('lists the referrers from the index, also of a path the cache lacks', async () => {
    const source = await cache();
    expect((await readPathInfo(source, leaf, [])).referrers).toMatchObject({ available: true, total: 1, paths: [{ hash: top.slice(0, 32), basename: top }] });
    const missing = await readPathInfo(source, mid, []);
    expect(missing).toMatchObject({ found: false, basename: mid, lines: [], acceptReason: `The cache has no ${mid.slice(0, 32)}.narinfo.` });
    expect(missing.referrers.paths.map((p) => p.basename)).toEqual([top]);
    expect((await readPathInfo(source, top, [])).referrers).toMatchObject({ total: 0, paths: [] });
  });

  it('says referrers need an index when there is none', async () => {
    const source = await cache({}, { index: false });
    expect((await readPathInfo({ ...source, noIndexReason: 'An HTTP cache cannot be listed.' }, leaf, [])).referrers).toEqual({ available: false, reason: 'An HTTP cache cannot be listed.', total: 0, paths: [] });
  });

  it('shows a malformed narinfo line by line with its problems instead of failing', async () => {
    const broken = topXz.replace('NarSize: 640', 'NarSize: -1').replace('URL: ', 'URL:');
    const source = await cache({ [`${top.slice(0, 32)}.narinfo`]: broken });
    const info = await readPathInfo(source, top, [pk1]);
    expect(info.found).toBe(true);
    expect(info.problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'URL'],
      [7, 'NarSize'],
    ]);
    expect(info.lines).toHaveLength(11);
    expect(info.signatures.every((s) => s.result === 'unverifiable')).toBe(true);
    expect(info).toMatchObject({ accepted: false, acceptReason: 'Nix cannot read this narinfo (2 problems below), so it does not substitute the path.' });
    // A problem that leaves the signed fields intact still makes Nix refuse the narinfo, although its signature verifies.
    const badDeriver = await readPathInfo(await cache({ [`${top.slice(0, 32)}.narinfo`]: topXz.replace('Deriver: ', 'Deriver: not a path ') }), top, [pk1]);
    expect(badDeriver.signatures[1]!.result).toBe('valid');
    expect(badDeriver.accepted).toBe(false);
  });

  it('refuses what is not a store path, hash or base name, saying what it got', async () => {
    const source = await cache();
    await expect(readPathInfo(source, 'not a path', [])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('"not a path" is not a store path') });
  });
});

describe('readClosure', () => {
  it('is a graph with the missing reference as a node, and a why-chain through it', async () => {
    const source = await cache();
    const closure = await readClosure(source, top);
    expect(closure.nodes.map((n) => [n.basename, n.state])).toEqual([
      [top, 'present'],
      [leaf, 'present'],
      [mid, 'missing'],
    ]);
    expect(closure.nodes[0]!.refs).toEqual([1, 2]);
    expect(closure.source).toBe('index');
    // Only the root is read afresh; the rest came from the index.
    expect(closure.reads).toBe(2);
    expect(whyChain(closure, 2)).toEqual([0, 2]);
    expect(whyChain(closure, 0, 1)).toBeNull();
  });

  it('walks narinfo by narinfo without an index', async () => {
    const closure = await readClosure(await cache({}, { index: false }), leaf);
    expect(closure).toMatchObject({ source: 'cache', reads: 1, nodes: [{ basename: leaf, state: 'present', narSize: 288, fileSize: 168, refs: [] }] });
  });
});
