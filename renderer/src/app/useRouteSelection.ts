import { useEffect, useRef } from 'react';
import { useCaches, useSelectCache } from '../features/caches/queries';
import { navigate, useRoute } from './route';

/**
 * Keeps the URL's cache and the selected cache (kept by the main process, shared by every window) the
 * same, whichever moved: a URL opened, typed, or reached by back or forward selects its cache; a cache
 * picked in the sidebar (here or in another window) becomes the URL. A URL without a cache (`#/`) is
 * completed with the selected one, in place.
 */
export function useRouteSelection(): void {
  const caches = useCaches();
  const select = useSelectCache();
  const route = useRoute((s) => s.route);
  const routeCache = route.view === 'caches' ? route.cacheId : undefined;
  const selectedId = caches.data?.selectedId ?? undefined;
  const seen = useRef<{ routeCache: string | undefined; selectedId: string | undefined } | null>(null);

  useEffect(() => {
    if (!caches.data) return;
    const before = seen.current;
    seen.current = { routeCache, selectedId };
    const exists = (id: string | undefined) => id !== undefined && caches.data.caches.some((c) => c.id === id);
    const urlMoved = !before || before.routeCache !== routeCache;
    if (urlMoved && exists(routeCache) && routeCache !== selectedId) {
      select.mutate(routeCache!);
      seen.current.selectedId = routeCache;
      return;
    }
    if (route.view !== 'caches' || !selectedId) return;
    if (routeCache === undefined) {
      navigate({ ...route, cacheId: selectedId }, { replace: true });
    } else if (before && before.selectedId !== selectedId && routeCache !== selectedId) {
      // The sidebar (or another window) chose another cache: its paths, as a new history entry.
      navigate({ view: 'caches', cacheId: selectedId, tab: 'paths' });
    }
  }, [caches.data, routeCache, selectedId, route, select]);
}
