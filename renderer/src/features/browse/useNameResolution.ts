import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { CacheView, PathEntry } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import { chunk, maxHashesPerCall, NameCache } from './name-cache';

/** One name cache per cache connection for the whole session: rows resolved once stay resolved. */
const nameCaches = new Map<string, NameCache>();

function nameCacheFor(key: string): NameCache {
  let cache = nameCaches.get(key);
  if (!cache) {
    cache = new NameCache();
    nameCaches.set(key, cache);
  }
  return cache;
}

/** Wait this long after the last scroll before asking, but never longer than `maxWaitMs` while scrolling. */
const quietMs = 90;
const maxWaitMs = 300;

/**
 * Names for the rows on screen. `want(hashes)` is called with the visible hashes whenever they change;
 * the request goes out once scrolling pauses (or every `maxWaitMs` during a long slow scroll), for the
 * hashes nobody has asked for yet, in calls of at most 500.
 */
export function useNameResolution(cache: CacheView, entries: readonly PathEntry[] | undefined) {
  const names = useMemo(() => nameCacheFor(`${cache.id} ${cache.storeUrl}`), [cache.id, cache.storeUrl]);
  const version = useSyncExternalStore(names.subscribe, names.getVersion);
  const wanted = useRef<readonly string[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const firstWant = useRef<number | null>(null);

  // A listing may carry names already (a future index); those need no call.
  useEffect(() => {
    const known = entries?.filter((e) => e.name !== undefined && names.get(e.hash) === undefined) ?? [];
    if (known.length) names.fill(known.map((e) => e.hash), Object.fromEntries(known.map((e) => [e.hash, { name: e.name! }])));
  }, [entries, names]);

  // Aborted when this view goes away: the main process stops reading narinfos nobody will look at.
  const leaving = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, [names]);

  const flush = useCallback(() => {
    firstWant.current = null;
    const missing = names.missing(wanted.current);
    const signal = leaving.current.signal;
    for (const batch of chunk(missing)) {
      names.claim(batch);
      api.browse.resolveNames({ cacheId: cache.id, hashes: batch }, { signal }).then(
        (result) => names.fill(batch, result.names),
        (error: Error) => (signal.aborted ? names.release(batch) : names.fail(batch, error.message)),
      );
    }
  }, [names, cache.id]);

  const want = useCallback(
    (hashes: readonly string[]) => {
      wanted.current = hashes;
      clearTimeout(timer.current);
      const now = Date.now();
      firstWant.current ??= now;
      const wait = Math.max(0, Math.min(quietMs, firstWant.current + maxWaitMs - now));
      timer.current = setTimeout(flush, wait);
    },
    [flush],
  );

  useEffect(() => () => clearTimeout(timer.current), [names]);

  // Resolving every name on request, so a name search can cover the whole cache. Two calls in flight
  // keep a remote bucket busy without flooding it; switching cache or pressing Stop ends the loop.
  const [loadingAll, setLoadingAll] = useState(false);
  const stopAll = useRef<(() => void) | null>(null);
  const loadAll = useCallback(() => {
    if (!entries || stopAll.current) return;
    let stopped = false;
    setLoadingAll(true);
    const hashes = entries.map((e) => e.hash);
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, leaving.current.signal]);
    stopAll.current = () => {
      stopped = true;
      stop.abort();
    };
    const worker = async () => {
      while (!stopped && !signal.aborted) {
        const batch = names.missing(hashes).slice(0, maxHashesPerCall);
        if (batch.length === 0) return;
        names.claim(batch);
        try {
          names.fill(batch, (await api.browse.resolveNames({ cacheId: cache.id, hashes: batch }, { signal })).names);
        } catch (error) {
          if (signal.aborted) names.release(batch);
          else names.fail(batch, (error as Error).message);
        }
      }
    };
    void Promise.all([worker(), worker()]).finally(() => {
      stopAll.current = null;
      setLoadingAll(false);
    });
  }, [entries, names, cache.id]);
  const stopLoadingAll = useCallback(() => stopAll.current?.(), []);
  useEffect(() => () => stopAll.current?.(), [names]);

  return { names, version, want, loadAll, loadingAll, stopLoadingAll };
}
