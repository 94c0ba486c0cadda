import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { ListingFollower } from './listing-follower';

export type { ListingProgress } from './listing-follower';

/** One follower per cache identity: coming back to a recently seen cache shows its listing at once. */
const followers = new Map<string, ListingFollower>();

// Keyed by what the cache is (bucket at endpoint, folder), so an edited connection is listed anew.
const keyOf = (cache: CacheView) => `${cache.id} ${cacheIdentity(cache.config)}`;

/** A listing made before the cache broke (folder deleted, bucket emptied) says nothing once it works again. */
export function forgetListing(cache: CacheView): void {
  followers.get(keyOf(cache))?.close();
  followers.set(keyOf(cache), new ListingFollower(cache.id, cacheIdentity(cache.config), true));
}

/** Listings of this many caches stay in the page; the one visited longest ago is dropped first. */
const keptListings = 5;

function followerFor(cache: CacheView): ListingFollower {
  const key = keyOf(cache);
  const follower = followers.get(key) ?? new ListingFollower(cache.id, cacheIdentity(cache.config));
  // Most recently used last, so the first is the one to drop.
  followers.delete(key);
  followers.set(key, follower);
  for (const [oldKey, old] of followers) {
    if (followers.size <= keptListings) break;
    old.close();
    followers.delete(oldKey);
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
