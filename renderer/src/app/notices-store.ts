import { create } from 'zustand';

/** Start-up notices come with app.info; which of them the user has dismissed is UI state. */
interface NoticesStore {
  dismissed: Set<string>;
  dismiss(message: string): void;
}

export const useNoticesStore = create<NoticesStore>((set) => ({
  dismissed: new Set(),
  dismiss: (message) => set((s) => ({ dismissed: new Set(s.dismissed).add(message) })),
}));
