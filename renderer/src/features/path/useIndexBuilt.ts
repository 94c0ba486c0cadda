import { useEffect, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { api, client } from '../../api/client';
import { useInvalidatePaths } from './queries';

/** Caches whose first index build this window started or joined, so a page opened twice does not start two. */
const building = new Map<string, Promise<unknown>>();

/**
 * A path page opened straight from a bookmark may find its cache never indexed (referrers come from
 * the index). Then it joins the cache's running refresh, or starts one, and reads again when it ends.
 * Returns whether such a build is running.
 */
export function useIndexBuilt(cache: CacheView, neverRefreshed: boolean): boolean {
  const invalidate = useInvalidatePaths();
  const [running, setRunning] = useState(false);
  useEffect(() => {
    if (!neverRefreshed || cache.config.kind === 'http') return;
    const identity = cacheIdentity(cache.config);
    let build = building.get(identity);
    if (!build) {
      build = (async () => {
        const { jobs } = await api.jobs.list();
        const running = jobs.find((job) => job.kind === 'index.refresh' && job.subject === identity && (job.state === 'running' || job.state === 'queued'));
        await (running ? client.attach(running.id) : api.index.refresh({ cacheId: cache.id })).result;
      })().finally(() => building.delete(identity));
      building.set(identity, build);
    }
    let live = true;
    setRunning(true);
    build.then(
      () => live && void invalidate(),
      () => undefined,
    ).finally(() => live && setRunning(false));
    return () => {
      live = false;
    };
  }, [cache.id, cache.config, neverRefreshed, invalidate]);
  return running;
}
