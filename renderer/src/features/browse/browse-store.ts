import { create } from 'zustand';
import type { IndexSortColumn } from './columns';

export interface TableSort {
  column: IndexSortColumn;
  descending: boolean;
}

/**
 * Per cache: how the user left its table (filter, sort, selected row, scroll), kept while they visit
 * a path's page, another tab or another cache, so coming back finds the table as it was.
 */
export interface BrowseView {
  filter: string;
  sort: TableSort;
  /** The selected row's place in the current filter and sort, and its hash once loaded. */
  selected: { index: number; hash?: string } | null;
  scrollTop: number;
}

export const defaultSort: TableSort = { column: 'name', descending: false };
const emptyView: BrowseView = { filter: '', sort: defaultSort, selected: null, scrollTop: 0 };

interface BrowseStore {
  views: Record<string, BrowseView>;
  /** A new filter or sort changes which row is where: the selection and the scroll start over. */
  setFilter(viewKey: string, filter: string): void;
  setSort(viewKey: string, sort: TableSort): void;
  select(viewKey: string, selected: BrowseView['selected']): void;
  setScrollTop(viewKey: string, scrollTop: number): void;
}

const change = (s: { views: Record<string, BrowseView> }, viewKey: string, patch: Partial<BrowseView>) => ({
  views: { ...s.views, [viewKey]: { ...(s.views[viewKey] ?? emptyView), ...patch } },
});

export const useBrowseStore = create<BrowseStore>((set) => ({
  views: {},
  setFilter: (viewKey, filter) => set((s) => change(s, viewKey, { filter, selected: null, scrollTop: 0 })),
  setSort: (viewKey, sort) => set((s) => change(s, viewKey, { sort, selected: null, scrollTop: 0 })),
  select: (viewKey, selected) => set((s) => change(s, viewKey, { selected })),
  setScrollTop: (viewKey, scrollTop) => set((s) => change(s, viewKey, { scrollTop })),
}));

export const useBrowseView = (viewKey: string): BrowseView => useBrowseStore((s) => s.views[viewKey] ?? emptyView);
export const browseViewOf = (viewKey: string): BrowseView => useBrowseStore.getState().views[viewKey] ?? emptyView;
