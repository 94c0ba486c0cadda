import { create } from 'zustand';

/**
 * Where the user is, as the address bar of the browser shell shows it (a hash such as
 * `#/caches/<cacheId>/paths/<hash>-<name>/closure`), so back, forward, reload and bookmarks work.
 * Screens read the route and move with `navigate`; nothing else touches `location`.
 */
export type CacheTab = 'paths' | 'stats' | 'policy';
export type PathTab = 'overview' | 'closure' | 'files' | 'log';

export type Route =
  | {
      view: 'caches';
      /** The cache shown; absent means the selected one. */
      cacheId?: string;
      tab: CacheTab;
      /** A store path's base name (`<hash>-<name>`) or bare hash, when its page is open. */
      path?: string;
      pathTab?: PathTab;
    }
  | { view: 'push' }
  | { view: 'copy' }
  | { view: 'keys' };

export const cacheTabs: readonly CacheTab[] = ['paths', 'stats', 'policy'];
export const pathTabs: readonly PathTab[] = ['overview', 'closure', 'files', 'log'];

const home: Route = { view: 'caches', tab: 'paths' };

/**
 * The route a URL hash names (`#/…`; with or without the `#`). A hash that names nothing Narwhal has
 * gives the home route (the selected cache's paths) and `known: false`, so the caller can put the
 * canonical URL in its place.
 */
export function parseRoute(hash: string): { route: Route; known: boolean } {
  const text = hash.replace(/^#/, '').replace(/^\/+/, '');
  if (text === '') return { route: home, known: true };
  let parts: string[];
  try {
    parts = text.split('/').map(decodeURIComponent);
  } catch {
    return { route: home, known: false };
  }
  if (parts[parts.length - 1] === '') parts.pop();
  const [first, cacheId, tab, path, pathTab, ...rest] = parts;
  if ((first === 'push' || first === 'copy' || first === 'keys') && parts.length === 1) return { route: { view: first }, known: true };
  if (first !== 'caches' || rest.length > 0) return { route: home, known: false };
  if (!cacheId) return { route: home, known: true };
  if (tab === undefined) return { route: { view: 'caches', cacheId, tab: 'paths' }, known: true };
  if (!(cacheTabs as readonly string[]).includes(tab)) return { route: { view: 'caches', cacheId, tab: 'paths' }, known: false };
  if (path === undefined) return { route: { view: 'caches', cacheId, tab: tab as CacheTab }, known: true };
  // Only the paths tab has path pages.
  if (tab !== 'paths' || path === '') return { route: { view: 'caches', cacheId, tab: tab as CacheTab }, known: false };
  if (pathTab === undefined) return { route: { view: 'caches', cacheId, tab: 'paths', path, pathTab: 'overview' }, known: true };
  const knownTab = (pathTabs as readonly string[]).includes(pathTab);
  return { route: { view: 'caches', cacheId, tab: 'paths', path, pathTab: knownTab ? (pathTab as PathTab) : 'overview' }, known: knownTab };
}

/** The URL hash of a route: the inverse of `parseRoute` (a path page's overview tab is the path alone). */
export function formatRoute(route: Route): string {
  if (route.view !== 'caches') return `#/${route.view}`;
  if (!route.cacheId) return '#/';
  const segments = ['caches', route.cacheId, route.tab];
  if (route.tab === 'paths' && route.path) {
    segments.push(route.path);
    if (route.pathTab && route.pathTab !== 'overview') segments.push(route.pathTab);
  }
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export const sameRoute = (a: Route, b: Route): boolean => formatRoute(a) === formatRoute(b);

interface RouteStore {
  route: Route;
  /** The last place among the caches, where the top bar's Caches goes back to. */
  lastCaches: Route;
  /** Goes to `route`, adding a history entry unless `replace`. */
  navigate(route: Route, options?: { replace?: boolean }): void;
}

const hasWindow = typeof window !== 'undefined';

const place = (route: Route): Pick<RouteStore, 'route'> & Partial<RouteStore> => (route.view === 'caches' ? { route, lastCaches: route } : { route });

function initialRoute(): Route {
  if (!hasWindow) return home;
  const { route, known } = parseRoute(window.location.hash);
  // A mistyped or outdated bookmark: show where it lands, with the URL that says so.
  if (!known) window.history.replaceState(window.history.state, '', formatRoute(route));
  return route;
}

export const useRoute = create<RouteStore>((set, get) => {
  const route = initialRoute();
  return {
    route,
    lastCaches: route.view === 'caches' ? route : home,
    navigate: (next, options) => {
      if (hasWindow && !sameRoute(next, get().route)) {
        const url = formatRoute(next);
        if (options?.replace) window.history.replaceState(null, '', url);
        else window.history.pushState(null, '', url);
      }
      set(place(next));
    },
  };
});

// Back and forward (and a hash typed into the address bar) move the app, not the other way round.
if (hasWindow) {
  const follow = () => {
    const { route, known } = parseRoute(window.location.hash);
    if (!known) window.history.replaceState(null, '', formatRoute(route));
    if (!sameRoute(route, useRoute.getState().route)) useRoute.setState(place(route));
  };
  window.addEventListener('popstate', follow);
  window.addEventListener('hashchange', follow);
}

export const navigate = (route: Route, options?: { replace?: boolean }) => useRoute.getState().navigate(route, options);

/** Goes to a top-bar screen; Caches goes back to the cache, tab and path the user was at. */
export function showView(view: Route['view']): void {
  const { route, lastCaches } = useRoute.getState();
  if (view === route.view) return;
  navigate(view === 'caches' ? lastCaches : { view });
}
