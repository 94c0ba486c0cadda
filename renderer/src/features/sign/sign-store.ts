import { create } from 'zustand';

/** The sign job this window started for a cache, until the jobs list knows it (or its start failed). */
export interface StartedSign {
  jobId: string;
  /** Set when the main process refused to start it (no job then exists to tell). */
  error?: string;
}

/**
 * By cache identity (shared/caches/identity.ts): the sign job the dialog shows for that cache. It
 * outlives the dialog, so closing it while the job runs and opening it again shows the same job,
 * running or finished, until the user goes back to the options.
 */
export const useSignUi = create<{
  signs: Record<string, StartedSign>;
  follow(identity: string, sign: StartedSign): void;
  forget(identity: string): void;
}>((set) => ({
  signs: {},
  follow: (identity, sign) => set((s) => ({ signs: { ...s.signs, [identity]: sign } })),
  forget: (identity) =>
    set((s) => {
      const { [identity]: _, ...rest } = s.signs;
      return { signs: rest };
    }),
}));
