import type { IndexRefreshProgress, IndexRefreshSummary } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { hashToNix32 } from '../../../shared/nix/hash';
import { NIX32_ALPHABET } from '../../../shared/nix/nix32';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore, ObjectInfo } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { mapConcurrent } from '../util/map-concurrent';
import type { IndexDb, IndexedPath, KeyState } from './index-db';
import { listNarObjects, saveNarObjects } from './nar-objects';
import { eachRowidRange } from './stepped';

const narinfoKey = /^([0-9a-df-np-sv-z]{32})\.narinfo$/;

/** What a refresh reports as it goes, and when it ends: the `index.refresh` job's types. */
export type RefreshProgress = IndexRefreshProgress;
export type RefreshSummary = IndexRefreshSummary;

export interface RefreshOptions {
  signal?: AbortSignal;
  /** narinfos read at once (default 64). */
  concurrency?: number;
  /** Prefixes listed at once (S3; default 8). */
  listConcurrency?: number;
  onProgress?: (progress: RefreshProgress) => void;
  /** List `nar/` too, for the narinfos whose NAR is missing (default true). */
  nars?: boolean;
}

/** Rows written per transaction: big enough to be fast, small enough that progress shows in the file. */
const batchSize = 500;

function keyStateOf(object: ObjectInfo, hash: string): KeyState {
  return { hash, etag: object.etag ?? null, lastModified: object.lastModified ? object.lastModified.getTime() : null, size: object.size };
}

/**
 * Every `<hash>.narinfo` key of a cache with its ETag, modification time and size. S3 lists 1000 keys a
 * request, one page after the other: 100 000 narinfos would be 100 round trips in a row. Narinfo names
 * start with one of the 32 nix32 characters, so the listing is split into 32 prefixes listed
 * `concurrency` at a time. A folder is one directory read. HTTP caches cannot be listed (the store says so).
 */
export async function listNarinfoKeys(store: CacheStore, options: { signal?: AbortSignal; concurrency?: number; onPage?: (listed: number) => void } = {}): Promise<KeyState[]> {
  const keys: KeyState[] = [];
  const take = (page: ObjectInfo[]) => {
    for (const object of page) {
      const match = narinfoKey.exec(object.key);
      if (match) keys.push(keyStateOf(object, match[1]!));
    }
    options.onPage?.(keys.length);
  };
  if (store instanceof FileStore) {
    for await (const page of store.list({ delimiter: '/', signal: options.signal })) take(page);
  } else {
    await mapConcurrent(
      [...NIX32_ALPHABET],
      options.concurrency ?? 8,
      async (prefix, _index, signal) => {
        for await (const page of store.list({ prefix, delimiter: '/', signal })) take(page);
      },
      options.signal,
    );
  }
  return keys;
}

/** A row for a narinfo as read: its fields, or the reason it cannot be used (with the text, for showing). */
export function rowFromNarinfo(key: KeyState, text: string): IndexedPath {
  const base: IndexedPath = {
    ...key,
    storePath: null,
    name: null,
    narSize: null,
    fileSize: null,
    compression: null,
    url: null,
    narHash: null,
    fileHash: null,
    references: [],
    deriver: null,
    sigs: [],
    ca: null,
    raw: text,
    error: null,
  };
  try {
    const info = parseNarinfo(text, { source: `${key.hash}.narinfo` });
    const path = parseStorePath(info.storePath);
    if (path.hash !== key.hash) return { ...base, error: `${key.hash}.narinfo describes ${info.storePath}, another path` };
    return {
      ...base,
      storePath: info.storePath,
      name: path.name,
      narSize: info.narSize,
      fileSize: info.fileSize ?? null,
      compression: info.compression,
      url: info.url,
      narHash: hashToNix32(info.narHash),
      fileHash: info.fileHash ? hashToNix32(info.fileHash) : null,
      references: info.references,
      deriver: info.deriver ?? null,
      sigs: info.sigs,
      ca: info.ca ?? null,
    };
  } catch (e) {
    return { ...base, error: (e as Error).message };
  }
}

/** A row for a narinfo that could not be read at all (too big). */
function unreadableRow(key: KeyState, error: string): IndexedPath {
  return { ...rowFromNarinfo(key, ''), raw: null, error };
}

const changed = (now: KeyState, before: KeyState) => now.etag !== before.etag || now.lastModified !== before.lastModified || now.size !== before.size;

/**
 * Brings the index up to date with the cache: lists every narinfo key, reads only the narinfos that
 * are new or whose ETag, modification time or size changed, and drops the rows of keys that are gone.
 *
 * A narinfo that does not parse, is too big or describes another path becomes a row with its error:
 * one broken narinfo is shown, it does not fail the refresh. A store error (access denied,
 * unreachable, a listing that fails) fails the refresh with the store's message and deletes nothing:
 * rows are removed only after the whole listing and every read succeeded. Rows read before such a
 * failure are kept; they describe narinfos as they are now, so the index stays true, only incomplete.
 */
export async function refreshIndex(store: CacheStore, db: IndexDb, options: RefreshOptions = {}): Promise<RefreshSummary> {
  const started = Date.now();
  const progress: RefreshProgress = { phase: 'listing', listed: 0, toRead: 0, read: 0, errors: 0 };
  const report = () => options.onProgress?.({ ...progress });
  report();
  // Listed alongside the narinfos and saved only once everything succeeded (nar-objects.ts).
  const narListing = options.nars === false ? undefined : listNarObjects(store, { signal: options.signal, concurrency: options.listConcurrency });
  narListing?.catch(() => undefined);
  const listed = await listNarinfoKeys(store, {
    signal: options.signal,
    concurrency: options.listConcurrency,
    onPage: (count) => {
      progress.listed = count;
      report();
    },
  });

  const before = db.keyStates();
  const toRead = listed.filter((key) => {
    const old = before.get(key.hash);
    return !old || changed(key, old);
  });
  const added = toRead.filter((key) => !before.has(key.hash)).length;
  progress.phase = 'reading';
  progress.listed = listed.length;
  progress.toRead = toRead.length;
  report();

  let pending: IndexedPath[] = [];
  const vanished: string[] = [];
  const flush = () => {
    if (pending.length) db.upsert(pending);
    pending = [];
  };
  await mapConcurrent(
    toRead,
    options.concurrency ?? 64,
    async (key, _index, signal) => {
      let row: IndexedPath | null;
      try {
        const bytes = await store.get(`${key.hash}.narinfo`, { signal });
        row = bytes ? rowFromNarinfo(key, Buffer.from(bytes).toString('utf8')) : null;
      } catch (e) {
        // Too big to read (a hostile or broken cache): that narinfo's problem, not the refresh's.
        if (!(e instanceof ApiError && e.code === 'bad-format')) throw e;
        row = unreadableRow(key, e.message);
      }
      progress.read += 1;
      if (row) {
        if (row.error) progress.errors += 1;
        pending.push(row);
        if (pending.length >= batchSize) flush();
      } else {
        // Deleted between the listing and the read: as gone as if it had not been listed.
        vanished.push(key.hash);
      }
      report();
    },
    options.signal,
  );
  flush();
  if (narListing) saveNarObjects(db, await narListing);

  const present = new Set(listed.map((key) => key.hash));
  for (const hash of vanished) present.delete(hash);
  const gone = [...before.keys()].filter((hash) => !present.has(hash));
  const removed = db.remove([...gone, ...vanished]);
  db.setMeta('refreshed_at', new Date().toISOString());
  const errors = await errorCountInSteps(db);
  return {
    total: present.size,
    added: added - vanished.filter((hash) => !before.has(hash)).length,
    changed: toRead.length - added - vanished.filter((hash) => before.has(hash)).length,
    removed,
    unchanged: listed.length - toRead.length,
    read: progress.read,
    errors,
    elapsedMs: Date.now() - started,
  };
}

/**
 * db.errorCount() in steps of rowid ranges: one count over a million rows held the main process for
 * about a second at the end of every refresh. It runs after the refresh's last write; only a second
 * refresh of the same cache by another process, writing between two steps, could skew this summary
 * figure (the table and the Stats tab read the index itself).
 */
async function errorCountInSteps(db: IndexDb): Promise<number> {
  const count = db.connection.prepare('SELECT count(*) AS n FROM paths WHERE rowid > ? AND rowid <= ? AND error IS NOT NULL');
  let errors = 0;
  await eachRowidRange(db.connection, (after, upTo) => {
    errors += (count.get(after, upTo) as { n: number }).n;
  });
  return errors;
}
