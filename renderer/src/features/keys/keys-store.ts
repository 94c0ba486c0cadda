import { create } from 'zustand';

export type KeyDialog = { kind: 'generate' } | { kind: 'import'; what: 'secret' | 'public' } | { kind: 'remove'; keyId: string };

interface KeysUiStore {
  dialog: KeyDialog | null;
  /** The key whose snippets are shown. */
  selectedKeyId: string | null;
  open(dialog: KeyDialog): void;
  close(): void;
  select(keyId: string | null): void;
}

export const useKeysUi = create<KeysUiStore>((set) => ({
  dialog: null,
  selectedKeyId: null,
  open: (dialog) => set({ dialog }),
  close: () => set({ dialog: null }),
  select: (selectedKeyId) => set({ selectedKeyId }),
}));
