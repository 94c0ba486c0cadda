import { NIX32_ALPHABET } from '../../../shared/nix/nix32';
import type { CacheStore, ObjectInfo } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { mapConcurrent } from '../util/map-concurrent';
import type { IndexDb } from './index-db';

/**
 * Which NAR files a cache holds, so its numbers can name the narinfos whose NAR is gone (a client
 * that trusts such a narinfo fails when it substitutes the path).
 *
 * Kept in the cache's index file, in a table of its own that an index of schema version 1 may or may
 * not have yet (hence CREATE TABLE IF NOT EXISTS rather than a new schema version, which would throw
 * every index away):
 *
 *   nar_objects(key TEXT PRIMARY KEY, size INTEGER)   every key under `nar/` as the last refresh listed it
 *   meta 'nars_listed_at'                             ISO time of that listing; absent: never listed
 *
 * The table is replaced whole after each complete listing: a listing that fails changes nothing.
 */

export interface NarObject {
  key: string;
  size: number;
}

export function ensureNarTable(db: IndexDb): void {
  db.connection.exec('CREATE TABLE IF NOT EXISTS nar_objects (key TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID');
}

/**
 * Every key under `nar/` with its size. A folder is one directory read. S3: one request first, which
 * is all a small cache needs; when `nar/` holds more than one page, it is listed again split into the
 * 32 nix32 first characters of NAR file names (`nar/<nix32 file hash>.nar.xz`), `concurrency` at a
 * time, as the narinfos are, instead of 100 pages in a row for 100 000 NARs. Keys that do not start
 * with a nix32 character (no tool writes them) are then not seen.
 */
export async function listNarObjects(store: CacheStore, options: { signal?: AbortSignal; concurrency?: number } = {}): Promise<NarObject[]> {
  const objects: NarObject[] = [];
  const take = (page: ObjectInfo[]) => {
    for (const object of page) if (object.key.startsWith('nar/')) objects.push({ key: object.key, size: object.size });
  };
  if (store instanceof FileStore) {
    for await (const page of store.list({ prefix: 'nar/', delimiter: '/', signal: options.signal })) take(page);
    return objects;
  }
  // One page is the whole of nar/ only if the listing has no second one: RGW may end a page short of
  // 1 000 keys and still say it is truncated, so a short page proves nothing.
  const listing = store.list({ prefix: 'nar/', signal: options.signal })[Symbol.asyncIterator]();
  const first = await listing.next();
  if (first.done) return objects;
  const second = await listing.next();
  await listing.return?.();
  if (second.done) {
    take(first.value);
    return objects;
  }
  await mapConcurrent(
    [...NIX32_ALPHABET],
    options.concurrency ?? 8,
    async (prefix, _index, signal) => {
      for await (const page of store.list({ prefix: `nar/${prefix}`, signal })) take(page);
    },
    options.signal,
  );
  return objects;
}

/** Replaces what the index knows of `nar/` with a complete listing, in one transaction. */
export function saveNarObjects(db: IndexDb, objects: readonly NarObject[], listedAt = new Date()): void {
  ensureNarTable(db);
  const sql = db.connection;
  const insert = sql.prepare('INSERT OR REPLACE INTO nar_objects (key, size) VALUES (?, ?)');
  sql.transaction(() => {
    sql.exec('DELETE FROM nar_objects');
    for (const object of objects) insert.run(object.key, object.size);
  })();
  db.setMeta('nars_listed_at', listedAt.toISOString());
}

/** When `nar/` was last listed completely, or undefined if never (then nothing can be called missing). */
export const narsListedAt = (db: IndexDb): string | undefined => db.getMeta('nars_listed_at');
