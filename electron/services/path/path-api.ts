import type { ImplOf } from '../../../shared/api/define';
import type { NarwhalContract } from '../../../shared/api/contract';
import type { CacheService } from '../caches/cache-service';
import type { IndexRegistry } from '../index/index-registry';
import { readClosure, readPathInfo, type PathSource } from './path-service';
import { ReferrerQueries } from './referrers';

/** The `path` group of the API over the saved caches and their indexes. */
export function pathApi(caches: CacheService, indexes: IndexRegistry): ImplOf<NarwhalContract>['path'] {
  const referrers = new ReferrerQueries();
  const sourceOf = (cacheId: string): PathSource => {
    const config = caches.get(cacheId).config;
    const store = caches.storeFor(cacheId);
    if (config.kind === 'http') return { store, referrers, noIndexReason: 'An HTTP cache cannot be listed, so Narwhal has no index of it and cannot tell which paths refer to this one.' };
    return { store, referrers, index: indexes.get(config) };
  };
  return {
    info: ({ cacheId, path, trustedKeys }, { signal }) => readPathInfo(sourceOf(cacheId), path, trustedKeys, signal),
    closure: ({ cacheId, path }, { signal }) => readClosure(sourceOf(cacheId), path, signal),
  };
}
