import { create } from 'zustand';

/** The top-level screens. The caches sidebar stays in both: in Keys it picks the cache for snippets. */
export type View = 'caches' | 'keys';

export const useView = create<{ view: View; show(view: View): void }>((set) => ({
  view: 'caches',
  show: (view) => set({ view }),
}));
