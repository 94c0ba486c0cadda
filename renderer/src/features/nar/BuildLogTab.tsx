import type { CacheView } from '../../../../shared/api/contract';

/** The build log of a path's deriver, when the cache has `log/<deriver>`. (Being built.) */
export function BuildLogTab({ cache, storePath }: { cache: CacheView; storePath: string }) {
  return <div className="state">{`${cache.name}: ${storePath}`}</div>;
}
