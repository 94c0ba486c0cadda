import { create } from 'zustand';
import type { z } from 'zod';
import type { noticeSchema } from '../../../shared/api/contract';

export type Notice = z.output<typeof noticeSchema>;

interface NoticesStore {
  /** Notices pushed while the app runs (`app.notice`); start-up ones come with app.info. */
  pushed: Notice[];
  dismissed: Set<string>;
  push(notice: Notice): void;
  dismiss(message: string): void;
}

export const useNoticesStore = create<NoticesStore>((set) => ({
  pushed: [],
  dismissed: new Set(),
  push: (notice) => set((s) => ({ pushed: [...s.pushed, notice] })),
  dismiss: (message) => set((s) => ({ dismissed: new Set(s.dismissed).add(message) })),
}));
