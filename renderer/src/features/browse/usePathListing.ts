import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { ListingFollower } from './listing-follower';

export type { ListingProgress } from './listing-follower';

/** One follower per cache identity for the page's lifetime: coming back to a cache shows its listing at once. */
const followers = new Map<string, ListingFollower>();

// Keyed by what the cache is (bucket at endpoint, folder), so an edited connection is listed anew.
const keyOf = (cache: CacheView) => `${cache.id} ${cacheIdentity(cache.config)}`;

/** A listing made before the cache broke (folder deleted, bucket emptied) says nothing once it works again. */
export function forgetListing(cache: CacheView): void {
  followers.get(keyOf(cache))?.close();
  followers.set(keyOf(cache), new ListingFollower(cache.id, cacheIdentity(cache.config), true));
}

function followerFor(cache: CacheView): ListingFollower {
  const key = keyOf(cache);
  let follower = followers.get(key);
  if (!follower) {
    follower = new ListingFollower(cache.id, cacheIdentity(cache.config));
    followers.set(key, follower);
  }
  return follower;
}

/**
 * The store paths of a cache, from a listing job in the main process. The job outlives this view, a
 * reload and the window: opening the view attaches to this cache's running or last finished listing,
 * and Refresh starts a new one.
 */
export function usePathListing(cache: CacheView) {
  const follower = useMemo(() => followerFor(cache), [cache]);
  const snapshot = useSyncExternalStore(follower.subscribe, follower.getSnapshot);
  useEffect(() => void follower.open(), [follower]);
  return {
    entries: snapshot.entries,
    error: snapshot.error,
    listing: snapshot.listing,
    progress: snapshot.listing ? snapshot.progress : null,
    jobId: snapshot.jobId,
    refresh: () => follower.refresh(),
  };
}
