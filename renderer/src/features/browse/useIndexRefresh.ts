import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { RefreshFollower } from './refresh-follower';

/** One follower per cache: coming back to a cache does not start another refresh while one runs or has run in this page. */
const followers = new Map<string, RefreshFollower>();
const keyOf = (cache: CacheView) => `${cache.id} ${cacheIdentity(cache.config)}`;

/** The refresh of the cache's index: attached to or started when the table opens, and again on Refresh. */
export function useIndexRefresh(cache: CacheView) {
  const follower = useMemo(() => {
    const key = keyOf(cache);
    let found = followers.get(key);
    if (!found) {
      found = new RefreshFollower(cache.id, cacheIdentity(cache.config));
      followers.set(key, found);
    }
    return found;
  }, [cache]);
  const snapshot = useSyncExternalStore(follower.subscribe, follower.getSnapshot);
  useEffect(() => void follower.open(), [follower]);
  return { ...snapshot, refresh: () => follower.refresh() };
}

/** A cache that broke (folder deleted, bucket gone) is refreshed again when its table next opens, whatever ran before. */
export function forgetRefresh(cache: CacheView): void {
  followers.get(keyOf(cache))?.close();
  followers.delete(keyOf(cache));
}
