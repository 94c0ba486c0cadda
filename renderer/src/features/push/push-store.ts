import { create } from 'zustand';
import type { compressionMethods } from '../../../../shared/api/contract';

export type Compression = (typeof compressionMethods)[number];

/** The push this window started for a cache, until the jobs list knows it (or its start failed). */
export interface StartedPush {
  jobId: string;
  /** Set when the main process refused to start it (no job then exists to tell). */
  error?: string;
}

interface PushUiStore {
  /** The store paths chosen to push, in the order they were added. */
  selected: string[];
  compression: Compression;
  /** Write `.ls` listings: ticked or unticked by the user, or null to follow the cache's store URL. */
  writeNarListing: boolean | null;
  /** The key to sign with: an id, 'unsigned', or null for "the first key that can sign". */
  keyChoice: string | null;
  /** The unsigned-push confirmation is open. */
  confirmingUnsigned: boolean;
  /** By cache identity (shared/caches/identity.ts): the push shown for that cache. */
  pushes: Record<string, StartedPush>;
  add(path: string): void;
  remove(path: string): void;
  clear(): void;
  setCompression(compression: Compression): void;
  setWriteNarListing(write: boolean): void;
  setKeyChoice(choice: string): void;
  setConfirmingUnsigned(open: boolean): void;
  follow(identity: string, push: StartedPush): void;
  /** Back to the options (after a summary or an error). */
  forget(identity: string): void;
}

export const usePushUi = create<PushUiStore>((set) => ({
  selected: [],
  compression: 'xz',
  writeNarListing: null,
  keyChoice: null,
  confirmingUnsigned: false,
  pushes: {},
  add: (path) => set((s) => (s.selected.includes(path) ? s : { selected: [...s.selected, path] })),
  remove: (path) => set((s) => ({ selected: s.selected.filter((p) => p !== path) })),
  clear: () => set({ selected: [] }),
  setCompression: (compression) => set({ compression }),
  setWriteNarListing: (writeNarListing) => set({ writeNarListing }),
  setKeyChoice: (keyChoice) => set({ keyChoice }),
  setConfirmingUnsigned: (confirmingUnsigned) => set({ confirmingUnsigned }),
  follow: (identity, push) => set((s) => ({ pushes: { ...s.pushes, [identity]: push } })),
  forget: (identity) =>
    set((s) => {
      const { [identity]: _gone, ...rest } = s.pushes;
      return { pushes: rest };
    }),
}));
