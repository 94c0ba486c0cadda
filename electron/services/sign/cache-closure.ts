import { parseStoreBasename, parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';
import type { SignFailure, Target } from './sign-paths';
import { readNarinfo, targetOf } from './sign-paths';

export interface CacheClosure {
  /** The store paths of the closure whose narinfo the cache has, the paths given first, then as found. */
  storePaths: string[];
  /** Paths of the closure the cache cannot give: their narinfo is missing, broken or describes another path. */
  failed: SignFailure[];
}

export interface CacheClosureOptions {
  signal?: AbortSignal;
  /** Narinfos read at once (default 16). */
  concurrency?: number;
  /** After each round of narinfos read: how many paths of the closure were found so far, and how many failed. */
  onProgress?: (found: number, failed: number) => void;
}

interface Visit extends Target {
  /** The path whose References named this one (absent for the paths given). */
  referencedBy?: string;
}

/**
 * The closure of some paths as the cache itself records it: each narinfo's References are followed
 * to the narinfos of those paths, and so on. The local store plays no part (the paths may never have
 * been built here). A reference whose narinfo is missing or unusable is a failure of that path, named
 * with the path that refers to it, and the walk goes on; a store error (access denied, network) ends it.
 * Paths given in a form that is no store path, base name or hash are refused before anything is read.
 */
export async function cacheClosure(store: CacheStore, roots: readonly string[], options: CacheClosureOptions = {}): Promise<CacheClosure> {
  const seen = new Set<string>();
  let frontier: Visit[] = [];
  for (const text of roots) {
    const target = targetOf(text);
    if (seen.has(target.hash)) continue;
    seen.add(target.hash);
    frontier.push(target);
  }
  const storePaths: string[] = [];
  const failed: SignFailure[] = [];
  const signal = options.signal ?? new AbortController().signal;

  // Breadth first, one level at a time: each level's narinfos are read in parallel.
  while (frontier.length > 0) {
    const read = await mapConcurrent(frontier, options.concurrency ?? 16, (visit, _index, runSignal) => readNarinfo(store, visit, runSignal), signal);
    const next: Visit[] = [];
    read.forEach((result, index) => {
      const visit = frontier[index]!;
      if ('reason' in result) {
        failed.push({ path: visit.label, reason: visit.referencedBy ? `${result.reason}, which ${visit.referencedBy} refers to` : result.reason });
        return;
      }
      const { info } = result;
      storePaths.push(info.storePath);
      // References are base names in the narinfo's own store directory.
      const storeDir = parseStorePath(info.storePath).storeDir;
      for (const reference of info.references) {
        let hash: string;
        try {
          hash = parseStoreBasename(reference).hash;
        } catch (e) {
          failed.push({ path: info.storePath, reason: `its References name "${reference}", which is no store path: ${(e as Error).message}` });
          continue;
        }
        if (seen.has(hash)) continue;
        seen.add(hash);
        const path = `${storeDir}/${reference}`;
        next.push({ hash, storePath: path, label: path, referencedBy: info.storePath });
      }
    });
    options.onProgress?.(storePaths.length, failed.length);
    frontier = next;
  }
  return { storePaths, failed };
}
