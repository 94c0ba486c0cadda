import { create } from 'zustand';
import type { Intent } from '../../../../shared/policy/types';

/** What the user is doing to one cache's policy: the text being edited and what it is checked for. */
export interface PolicyDraft {
  /** The editor's text; absent until the user edits (the editor shows the bucket's policy then). */
  text?: string;
  intent: Intent;
  /** The reader or uploader the intent is about (an ARN), for the checker and the templates. */
  principal: string;
}

interface PolicyUi {
  drafts: Record<string, PolicyDraft>;
  update(cacheId: string, change: Partial<PolicyDraft>): void;
  /** Drops the edited text (after a save, a delete, or "Discard changes"), keeping intent and principal. */
  discardText(cacheId: string): void;
}

export const defaultDraft: PolicyDraft = { intent: 'public-cache', principal: '' };

/**
 * Drafts live here rather than in the screen, so switching to another tab or cache and back keeps
 * unsaved edits; a reload or closing the window asks first (see usePolicyGuard).
 */
export const usePolicyUi = create<PolicyUi>((set) => ({
  drafts: {},
  update: (cacheId, change) => set((s) => ({ drafts: { ...s.drafts, [cacheId]: { ...defaultDraft, ...s.drafts[cacheId], ...change } } })),
  discardText: (cacheId) =>
    set((s) => {
      const { text: _, ...rest } = s.drafts[cacheId] ?? defaultDraft;
      return { drafts: { ...s.drafts, [cacheId]: { ...defaultDraft, ...rest } } };
    }),
}));

export const useDraft = (cacheId: string): PolicyDraft => usePolicyUi((s) => s.drafts[cacheId] ?? defaultDraft);
