import type { CacheView } from '../../../../shared/api/contract';

/** Numbers and plots for a cache's index. (Being built.) */
export function StatsScreen({ cache }: { cache: CacheView }) {
  return <div className="state">{cache.name}</div>;
}
