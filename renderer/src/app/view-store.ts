import { create } from 'zustand';

/** The top-level screens. The caches sidebar stays in all: in Keys it picks the cache for snippets, in Push the cache to push to. */
export type View = 'caches' | 'push' | 'copy' | 'keys';

export const useView = create<{ view: View; show(view: View): void }>((set) => ({
  view: 'caches',
  show: (view) => set({ view }),
}));
