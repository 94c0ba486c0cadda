import type { PathEntry } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';

const narinfoKey = /^([0-9a-df-np-sv-z]{32})\.narinfo$/;

/**
 * The store path hashes of a cache, from its `<hash>.narinfo` keys, page by page as the store lists
 * them; keeps nothing, so a caller that stores the pages itself does not hold them twice.
 */
export async function forEachPathPage(
  store: CacheStore,
  onPage: (page: PathEntry[], listed: number, pages: number) => void,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  let listed = 0;
  let pages = 0;
  for await (const keys of store.listTopLevel({ signal: options.signal })) {
    pages += 1;
    const page: PathEntry[] = [];
    for (const key of keys) {
      const match = narinfoKey.exec(key);
      if (match) page.push({ hash: match[1]! });
    }
    listed += page.length;
    onPage(page, listed, pages);
  }
  return listed;
}

/**
 * The store path hashes whose narinfo a cache has, from one listing of it (never one request per
 * path): what a push skips and a closure view marks as present. `onPage` hears the count so far.
 */
export async function cacheHashes(store: CacheStore, options: { signal?: AbortSignal; onPage?: (listed: number) => void } = {}): Promise<Set<string>> {
  const present = new Set<string>();
  await forEachPathPage(
    store,
    (page, listed) => {
      for (const entry of page) present.add(entry.hash);
      options.onPage?.(listed);
    },
    { signal: options.signal },
  );
  return present;
}

/** Every store path hash of a cache, reporting progress per page. */
export async function listPathHashes(
  store: CacheStore,
  options: { signal?: AbortSignal; onPage?: (listed: number, pages: number) => void } = {},
): Promise<PathEntry[]> {
  const entries: PathEntry[] = [];
  await forEachPathPage(
    store,
    (page, listed, pages) => {
      for (const entry of page) entries.push(entry);
      options.onPage?.(listed, pages);
    },
    { signal: options.signal },
  );
  return entries;
}

export type NameResult = { name: string; storePath: string } | { error: string };

/** Reads narinfos to learn store path names; a broken narinfo yields an error entry, not a failure. */
export async function resolveNames(store: CacheStore, hashes: readonly string[], options: { signal?: AbortSignal; concurrency?: number } = {}): Promise<Map<string, NameResult>> {
  const results = await mapConcurrent(
    hashes,
    options.concurrency ?? 16,
    async (hash, _index, signal): Promise<NameResult> => {
      let bytes;
      try {
        bytes = await store.get(`${hash}.narinfo`, { signal });
      } catch (e) {
        // A narinfo too large to read (a hostile cache) is one broken entry, not a failed listing.
        if (e instanceof ApiError && e.code === 'bad-format') return { error: e.message };
        throw e;
      }
      if (!bytes) return { error: 'narinfo disappeared' };
      try {
        const info = parseNarinfo(Buffer.from(bytes).toString('utf8'), { source: `${hash}.narinfo` });
        const path = parseStorePath(info.storePath);
        if (path.hash !== hash) return { error: `${hash}.narinfo describes ${info.storePath}, another path` };
        return { name: path.name, storePath: info.storePath };
      } catch (e) {
        return { error: (e as Error).message };
      }
    },
    options.signal,
  );
  return new Map(hashes.map((hash, i) => [hash, results[i]!]));
}
