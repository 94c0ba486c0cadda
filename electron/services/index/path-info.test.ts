import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../stores/file-store';
import { IndexDb } from './index-db';
import { NarinfoReader, cacheClosureOf, hashOfPathArgument } from './path-info';
import { refreshIndex } from './refresh';
import { syntheticNarinfo } from './synthetic-narinfos';

/** A folder cache of a chain: path 3 refers to 2, 2 to 1, 1 to 0. */
async function chain() {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-path-info-'));
  for (let i = 0; i < 4; i++) await writeFile(join(root, syntheticNarinfo(i).key), syntheticNarinfo(i).text);
  return { root, store: new FileStore(root) };
}

describe('cacheClosureOf', () => {
  it('follows References narinfo by narinfo and names the first missing path with its referrer', async () => {
    const { root, store } = await chain();
    await rm(join(root, syntheticNarinfo(1).key));
    const reader = new NarinfoReader(store);
    const entries = await cacheClosureOf(reader, [syntheticNarinfo(3).storePath]);
    expect(entries.map((e) => [e.label, e.row ? e.row.storePath : null])).toEqual([
      [`${syntheticNarinfo(3).hash}-synthetic-3`, syntheticNarinfo(3).storePath],
      [`${syntheticNarinfo(2).hash}-synthetic-2`, syntheticNarinfo(2).storePath],
      [`${syntheticNarinfo(1).hash}-synthetic-1`, null],
    ]);
    expect(entries[2]!.referencedBy).toBe(`${syntheticNarinfo(2).hash}-synthetic-2`);
    expect(reader.reads).toBe(3);
  });

  it('reads the path asked about from the cache and the rest from the index', async () => {
    const { store } = await chain();
    const { db } = IndexDb.open(':memory:');
    try {
      await refreshIndex(store, db);
      const reader = new NarinfoReader(store, db);
      const entries = await cacheClosureOf(reader, [syntheticNarinfo(3).hash]);
      expect(entries.map((e) => e.row?.name)).toEqual(['synthetic-3', 'synthetic-2', 'synthetic-1', 'synthetic-0']);
      expect(reader.reads).toBe(1);
      // A path the index lacks is looked up in the cache before it is called missing.
      db.remove([syntheticNarinfo(0).hash]);
      const again = new NarinfoReader(store, db);
      expect((await cacheClosureOf(again, [syntheticNarinfo(3).hash])).every((e) => e.row)).toBe(true);
      expect(again.reads).toBe(2);
    } finally {
      db.close();
    }
  });

  it('refuses what is not a store path, base name or hash', () => {
    expect(hashOfPathArgument(`/nix/store/${syntheticNarinfo(1).hash}-x/`)).toBe(syntheticNarinfo(1).hash);
    expect(hashOfPathArgument(`${syntheticNarinfo(1).hash}-x`)).toBe(syntheticNarinfo(1).hash);
    expect(() => hashOfPathArgument('hello')).toThrow('"hello" is not a store path');
    expect(() => hashOfPathArgument('/tmp/x')).toThrow('is not a store path');
  });
});
