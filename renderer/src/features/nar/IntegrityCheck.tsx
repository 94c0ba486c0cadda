import type { CacheView } from '../../../../shared/api/contract';

/** On demand: download the NAR and check FileSize, FileHash, NarSize and NarHash. (Being built.) */
export function IntegrityCheck({ cache, storePath }: { cache: CacheView; storePath: string }) {
  return <div className="state">{`${cache.name}: ${storePath}`}</div>;
}
