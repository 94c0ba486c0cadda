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

interface RouteStore {
  route: Route;
  /** Goes to `route`, adding a history entry unless `replace`. */
  navigate(route: Route, options?: { replace?: boolean }): void;
}

export const useRoute = create<RouteStore>((set) => ({
  route: { view: 'caches', tab: 'paths' },
  navigate: (route) => set({ route }),
}));

export const navigate = (route: Route, options?: { replace?: boolean }) => useRoute.getState().navigate(route, options);
