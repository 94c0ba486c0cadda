import type { Route } from './route';
import { showView, useRoute } from './route';

/** The top-level screens. The caches sidebar stays in all: in Keys it picks the cache for snippets, in Push the cache to push to. */
export type View = Route['view'];

interface ViewState {
  view: View;
  show(view: View): void;
}

/** The top-level screen, read from the route (the URL): `useView((s) => s.show)` for a stable function that goes to one. */
export function useView<T>(selector: (state: ViewState) => T): T {
  return useRoute((s) => selector({ view: s.route.view, show: showView }));
}
