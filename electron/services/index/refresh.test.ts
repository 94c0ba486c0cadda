import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { CacheStore } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { IndexDb } from './index-db';
import { refreshIndex } from './refresh';
import { syntheticNarinfo } from './synthetic-narinfos';

const opened: IndexDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

async function folderCache(count: number): Promise<{ root: string; store: FileStore; dbFile: string }> {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-index-'));
  await writeFile(join(root, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  for (let i = 0; i < count; i++) {
    const n = syntheticNarinfo(i);
    await writeFile(join(root, n.key), n.text);
  }
  return { root, store: new FileStore(root), dbFile: join(await mkdtemp(join(tmpdir(), 'narwhal-index-db-')), 'index', 'cache.sqlite') };
}

function open(file: string) {
  const result = IndexDb.open(file);
  opened.push(result.db);
  return result;
}

/** Counts the narinfos read, passing everything through (or failing the reads `fail` picks). */
function counting(store: CacheStore, fail?: (key: string) => Error | undefined): CacheStore & { gets: number } {
  const counter = { gets: 0 };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'gets') return counter.gets;
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'get') {
        return async (key: string, options?: object) => {
          counter.gets += 1;
          const error = fail?.(key);
          if (error) throw error;
          return target.get(key, options);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as CacheStore & { gets: number };
}

describe('refreshIndex on a folder cache', () => {
  it('indexes every narinfo with its fields, then reads nothing when nothing changed', async () => {
    const { store, dbFile } = await folderCache(5);
    const { db } = open(dbFile);
    const counted = counting(store);
    const progress: string[] = [];
    const first = await refreshIndex(counted, db, { onProgress: (p) => progress.push(p.phase) });
    expect(first).toMatchObject({ total: 5, added: 5, changed: 0, removed: 0, unchanged: 0, read: 5, errors: 0 });
    expect(counted.gets).toBe(5);
    expect(progress[0]).toBe('listing');
    expect(progress.at(-1)).toBe('reading');

    const n = syntheticNarinfo(3);
    const row = db.get(n.hash)!;
    expect(row).toMatchObject({ storePath: n.storePath, name: 'synthetic-3', narSize: 4003, fileSize: 1003, compression: 'xz', raw: n.text, error: null, etag: null });
    expect(row.references).toEqual([`${syntheticNarinfo(2).hash}-synthetic-2`]);
    expect(row.narHash).toMatch(/^sha256:[0-9a-z]{52}$/);
    expect(row.lastModified).toBeGreaterThan(0);

    const second = await refreshIndex(counted, db);
    expect(second).toMatchObject({ total: 5, added: 0, changed: 0, removed: 0, unchanged: 5, read: 0 });
    expect(counted.gets).toBe(5);
  });

  it('reads changed narinfos again, drops removed ones and adds new ones', async () => {
    const { root, store, dbFile } = await folderCache(4);
    const { db } = open(dbFile);
    await refreshIndex(store, db);
    // Changed: another text and a later mtime; removed: 0; added: 4.
    const changed = syntheticNarinfo(1, { sigs: ['test-1:' + 'A'.repeat(86) + '=='] });
    await writeFile(join(root, changed.key), changed.text);
    await utimes(join(root, changed.key), new Date(), new Date(Date.now() + 5000));
    await rm(join(root, syntheticNarinfo(0).key));
    await writeFile(join(root, syntheticNarinfo(4).key), syntheticNarinfo(4).text);
    const counted = counting(store);
    const summary = await refreshIndex(counted, db);
    expect(summary).toMatchObject({ total: 4, added: 1, changed: 1, removed: 1, unchanged: 2, read: 2 });
    expect(counted.gets).toBe(2);
    expect(db.get(changed.hash)!.sigs).toEqual(['test-1:' + 'A'.repeat(86) + '==']);
    expect(db.get(syntheticNarinfo(0).hash)).toBeUndefined();
    expect(db.count()).toBe(4);
  });

  it('keeps a narinfo that does not parse, is too big or describes another path as a row with its error', async () => {
    const { root, store, dbFile } = await folderCache(2);
    const broken = 'a'.repeat(32);
    await writeFile(join(root, `${broken}.narinfo`), 'StorePath: /nix/store/nonsense\nNarSize: many\n');
    const big = 'b'.repeat(32);
    await writeFile(join(root, `${big}.narinfo`), 'x'.repeat(2 * 1024 * 1024));
    const other = 'c'.repeat(32);
    await writeFile(join(root, `${other}.narinfo`), syntheticNarinfo(0).text);
    // Not narinfos: skipped.
    await writeFile(join(root, 'notes.txt'), 'hello');
    const { db } = open(dbFile);
    const summary = await refreshIndex(store, db);
    expect(summary).toMatchObject({ total: 5, errors: 3 });
    expect(db.get(broken)).toMatchObject({ storePath: null, raw: 'StorePath: /nix/store/nonsense\nNarSize: many\n', error: expect.stringContaining(`${broken}.narinfo`) });
    expect(db.get(big)).toMatchObject({ raw: null, error: expect.stringContaining('more than the 1 MiB a narinfo may be') });
    expect(db.get(other)).toMatchObject({ storePath: null, error: `${other}.narinfo describes ${syntheticNarinfo(0).storePath}, another path` });
    expect(db.errorCount()).toBe(3);
    expect(db.stats()).toMatchObject({ paths: 2, errors: 3, unsigned: 2, signers: [] });
  });

  it('leaves the old rows when a store error fails the refresh, and removes nothing', async () => {
    const { root, store, dbFile } = await folderCache(6);
    const { db } = open(dbFile);
    await refreshIndex(store, db);
    await rm(join(root, syntheticNarinfo(0).key));
    for (let i = 1; i < 6; i++) await utimes(join(root, syntheticNarinfo(i).key), new Date(), new Date(Date.now() + 5000));
    const failing = counting(store, (key) => (key === syntheticNarinfo(4).key ? new ApiError('access-denied', 'Access denied to 4.narinfo.') : undefined));
    await expect(refreshIndex(failing, db, { concurrency: 1 })).rejects.toThrow('Access denied to 4.narinfo.');
    // The row of the deleted narinfo is still there: nothing is removed by a refresh that failed.
    expect(db.count()).toBe(6);
    expect(db.get(syntheticNarinfo(0).hash)).toBeDefined();
    // The next refresh that succeeds finishes the job.
    expect(await refreshIndex(store, db)).toMatchObject({ total: 5, removed: 1 });
    expect(db.count()).toBe(5);
  });

  it('fails with the store message when the folder is gone, keeping the index', async () => {
    const { root, store, dbFile } = await folderCache(2);
    const { db } = open(dbFile);
    await refreshIndex(store, db);
    await rm(root, { recursive: true });
    await expect(refreshIndex(store, db)).rejects.toThrow(/does not exist/);
    expect(db.count()).toBe(2);
  });

  it('stops at a cancel', async () => {
    const { store, dbFile } = await folderCache(3);
    const { db } = open(dbFile);
    const controller = new AbortController();
    controller.abort();
    await expect(refreshIndex(store, db, { signal: controller.signal })).rejects.toThrow();
    expect(db.count()).toBe(0);
  });
});

describe('IndexDb', () => {
  it('moves a file of another schema version aside and starts afresh', async () => {
    const { store, dbFile } = await folderCache(2);
    const first = open(dbFile);
    await refreshIndex(store, first.db);
    first.db.setMeta('schema_version', '99');
    first.db.close();
    const second = open(dbFile);
    expect(second.movedAside).toMatch(/unusable-.*schema version 99, this Narwhal uses 2/);
    expect(second.db.count()).toBe(0);
    expect((await readdir(join(dbFile, '..'))).some((f) => f.includes('.unusable-'))).toBe(true);
    expect(await refreshIndex(store, second.db)).toMatchObject({ total: 2, read: 2 });
  });

  it('moves a file that is no database aside', async () => {
    const { dbFile } = await folderCache(0);
    await mkdir(join(dbFile, '..'), { recursive: true });
    await writeFile(dbFile, 'this is not a SQLite file, but it is long enough to look like a header of one '.repeat(20));
    const { db, movedAside } = open(dbFile);
    expect(movedAside).toMatch(/not a database/);
    expect(db.count()).toBe(0);
    expect(existsSync(movedAside!.split(' ')[0]!)).toBe(true);
  });

  it('pages rows filtered by name or hash and sorted by any column', async () => {
    const { store, dbFile } = await folderCache(30);
    const { db } = open(dbFile);
    await refreshIndex(store, db);
    const byName = db.page({ offset: 0, limit: 5 });
    expect(byName.total).toBe(30);
    expect(byName.rows.map((r) => r.name)).toEqual(['synthetic-0', 'synthetic-1', 'synthetic-10', 'synthetic-11', 'synthetic-12']);
    const bySize = db.page({ offset: 0, limit: 3, sort: { column: 'narSize', descending: true } });
    expect(bySize.rows.map((r) => r.narSize)).toEqual([4029, 4028, 4027]);
    const filtered = db.page({ offset: 0, limit: 100, filter: 'SYNTHETIC-2' });
    expect(filtered.rows.map((r) => r.name).sort()).toEqual(['synthetic-2', ...Array.from({ length: 10 }, (_, i) => `synthetic-2${i}`)].sort());
    expect(filtered.total).toBe(filtered.rows.length);
    const hash = syntheticNarinfo(7).hash;
    expect(db.page({ offset: 0, limit: 10, filter: hash.slice(3, 12) }).rows.map((r) => r.hash)).toContain(hash);
    expect(db.stats()).toEqual({ paths: 30, narBytes: 30 * 4000 + 435, fileBytes: 30 * 1000 + 435, unsigned: 30, errors: 0, compression: [{ method: 'xz', paths: 30, narBytes: 30 * 4000 + 435, fileBytes: 30 * 1000 + 435 }], signers: [] });
    // Pages in a row neither overlap nor miss a row, whatever the sort.
    const seen = new Set<string>();
    for (let offset = 0; offset < 30; offset += 7) for (const row of db.page({ offset, limit: 7, sort: { column: 'compression' } }).rows) seen.add(row.hash);
    expect(seen.size).toBe(30);
  });
});
