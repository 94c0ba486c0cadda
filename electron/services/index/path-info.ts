import { ApiError } from '../../../shared/api/errors';
import { parseStoreBasename, parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';
import type { IndexDb, IndexedPath } from './index-db';
import { rowFromNarinfo } from './refresh';

const hashOnly = /^[0-9a-df-np-sv-z]{32}$/;

/** The hash of a store path, a base name (`<hash>-<name>`) or a bare hash; anything else is refused. */
export function hashOfPathArgument(text: string): string {
  try {
    if (hashOnly.test(text)) return text;
    if (text.includes('/')) return parseStorePath(text.replace(/\/+$/, '')).hash;
    return parseStoreBasename(text).hash;
  } catch (e) {
    throw new ApiError('invalid-input', `"${text}" is not a store path, a store path's base name or its hash: ${(e as Error).message}`);
  }
}

/**
 * Reads narinfos by hash: from the index when it has the row (no request at all), else from the
 * cache itself. HTTP caches, which cannot be listed and so have no index, are always read directly.
 * The answer is a row like the index's (with its error when the narinfo cannot be used), or null
 * when the cache has no such narinfo.
 */
export class NarinfoReader {
  /** narinfos read from the cache (not the index). */
  reads = 0;

  constructor(
    private readonly store: CacheStore,
    private readonly db?: IndexDb,
  ) {}

  /** `fresh`: read from the cache even when the index has the row (it may be older than the cache). */
  async read(hash: string, signal?: AbortSignal, options: { fresh?: boolean } = {}): Promise<IndexedPath | null> {
    const indexed = options.fresh ? undefined : this.db?.get(hash);
    if (indexed) return indexed;
    let bytes: Uint8Array | null;
    this.reads += 1;
    try {
      bytes = await this.store.get(`${hash}.narinfo`, { signal });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'bad-format') return { ...rowFromNarinfo({ hash, etag: null, lastModified: null, size: 0 }, ''), raw: null, error: e.message };
      throw e;
    }
    return bytes ? rowFromNarinfo({ hash, etag: null, lastModified: null, size: bytes.byteLength }, Buffer.from(bytes).toString('utf8')) : null;
  }
}

export interface ClosureEntry {
  hash: string;
  /** The base name when known (from a referrer's References), else the hash. */
  label: string;
  /** The narinfo, or null when the cache does not have it. */
  row: IndexedPath | null;
  /** Base name of a path whose References named this one (absent for the roots). */
  referencedBy?: string;
}

/**
 * The closure of some paths as the cache records it: each narinfo's References followed to those
 * paths' narinfos, breadth first, one level's reads in parallel. Paths the cache lacks, or whose
 * narinfo cannot be used, are entries too (with `row` null or an error row), named with a path that
 * refers to them; the walk does not go past them. A store error ends it. The roots are read from the
 * cache (what the user asked about is shown as it is now); the rest come from the index when it has
 * them, and a path the index lacks is looked up in the cache before it is called missing.
 */
export async function cacheClosureOf(reader: NarinfoReader, roots: readonly string[], options: { signal?: AbortSignal; concurrency?: number } = {}): Promise<ClosureEntry[]> {
  const seen = new Set<string>();
  const entries: ClosureEntry[] = [];
  let frontier: Array<Omit<ClosureEntry, 'row'>> = [];
  for (const root of roots) {
    const hash = hashOfPathArgument(root);
    if (seen.has(hash)) continue;
    seen.add(hash);
    frontier.push({ hash, label: root.slice(root.lastIndexOf('/') + 1) });
  }
  while (frontier.length > 0) {
    const rows = await mapConcurrent(frontier, options.concurrency ?? 32, (visit, _index, signal) => reader.read(visit.hash, signal, { fresh: !visit.referencedBy }), options.signal);
    const next: Array<Omit<ClosureEntry, 'row'>> = [];
    rows.forEach((row, index) => {
      const visit = frontier[index]!;
      entries.push({ ...visit, row });
      if (!row || row.error) return;
      const self = row.storePath!.slice(row.storePath!.lastIndexOf('/') + 1);
      for (const ref of row.references) {
        const hash = ref.slice(0, 32);
        if (seen.has(hash)) continue;
        seen.add(hash);
        next.push({ hash, label: ref, referencedBy: self });
      }
    });
    frontier = next;
  }
  return entries;
}
