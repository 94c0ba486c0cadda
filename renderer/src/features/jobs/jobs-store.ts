import { create } from 'zustand';

/** Whether the Jobs panel is open; it opens by itself never, only when asked (button, or a screen's "Show in Jobs"). */
export const useJobsPanel = create<{ open: boolean; highlight: string | null; toggle(): void; show(jobId?: string): void; close(): void }>((set) => ({
  open: false,
  highlight: null,
  toggle: () => set((s) => ({ open: !s.open, highlight: null })),
  show: (jobId) => set({ open: true, highlight: jobId ?? null }),
  close: () => set({ open: false, highlight: null }),
}));
