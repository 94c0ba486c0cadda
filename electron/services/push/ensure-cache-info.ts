import { ApiError } from '../../../shared/api/errors';
import { serialiseNixCacheInfo } from '../../../shared/nix/nix-cache-info';
import { nixStoreDir, readCacheInfo } from '../caches/cache-service';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';

/**
 * The cache's nix-cache-info, checked (a cache for another store directory is refused). A bucket or
 * folder that is missing or empty is made a cache first, as `nix copy --to` does: Nix substitutes
 * from no cache without that file. A cache that has one costs one request. Returns whether it wrote one.
 */
export async function ensureCacheInfo(store: CacheStore, signal: AbortSignal): Promise<boolean> {
  try {
    await readCacheInfo(store, signal);
    return false;
  } catch (e) {
    // not-found: a folder that does not exist; no-such-bucket: a bucket that does not.
    if (!(e instanceof ApiError && ['not-a-cache', 'not-found', 'no-such-bucket'].includes(e.code))) throw e;
  }
  await store.ensureExists({ signal });
  await store.put('nix-cache-info', serialiseNixCacheInfo({ storeDir: nixStoreDir }), contentTypes.cacheInfo, { signal });
  return true;
}
