import type { CacheView } from '../../../../shared/api/contract';
import type { PathTab } from '../../app/route';

/** One store path of a cache: narinfo, signatures, closure, files, build log. (Being built.) */
export function PathPage({ cache, path, tab }: { cache: CacheView; path: string; tab: PathTab }) {
  return (
    <div className="state">
      <p className="state__title">{path}</p>
      <p className="state__detail">
        {cache.name}: {tab}
      </p>
    </div>
  );
}
