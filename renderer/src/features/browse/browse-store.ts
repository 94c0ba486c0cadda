import { create } from 'zustand';

/** Per cache: what the user filtered by and which row they picked, kept while they visit other caches. */
export interface BrowseView {
  filter: string;
  selected: string | null;
}

const emptyView: BrowseView = { filter: '', selected: null };

interface BrowseStore {
  views: Record<string, BrowseView>;
  setFilter(viewKey: string, filter: string): void;
  select(viewKey: string, hash: string | null): void;
}

export const useBrowseStore = create<BrowseStore>((set) => ({
  views: {},
  setFilter: (viewKey, filter) => set((s) => ({ views: { ...s.views, [viewKey]: { ...(s.views[viewKey] ?? emptyView), filter } } })),
  select: (viewKey, selected) => set((s) => ({ views: { ...s.views, [viewKey]: { ...(s.views[viewKey] ?? emptyView), selected } } })),
}));

export const useBrowseView = (viewKey: string): BrowseView => useBrowseStore((s) => s.views[viewKey] ?? emptyView);
