import { create } from 'zustand';

/** Which cache dialog is open. One at a time: they are modal. */
export type CacheDialog =
  | { kind: 'add'; startWith?: 'form' | 'import' }
  | { kind: 'edit'; cacheId: string }
  | { kind: 'remove'; cacheId: string }
  | { kind: 'initialise'; cacheId: string };

interface CacheUiStore {
  dialog: CacheDialog | null;
  open(dialog: CacheDialog): void;
  close(): void;
}

export const useCacheUi = create<CacheUiStore>((set) => ({
  dialog: null,
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null }),
}));
