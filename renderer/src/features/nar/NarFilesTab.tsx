import type { CacheView } from '../../../../shared/api/contract';

/** The files of a path's NAR, from its `.ls` listing or the NAR itself, with a preview. (Being built.) */
export function NarFilesTab({ cache, storePath }: { cache: CacheView; storePath: string }) {
  return <div className="state">{`${cache.name}: ${storePath}`}</div>;
}
