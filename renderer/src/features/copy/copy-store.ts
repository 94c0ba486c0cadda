import { create } from 'zustand';
import type { StartedJob } from '../transfer/useFollowedJob';
import type { CopyFormValues } from './copy-form';

/**
 * The Copy screen's form and the copy it shows. Kept outside the screen, so going to another screen
 * and back finds the form as it was left. Empty `fromId`/`toId` mean "not chosen yet": the screen
 * proposes the selected cache as the source and another writable one as the destination.
 */
interface CopyUiStore extends CopyFormValues {
  /** Errors are shown from the first attempt to copy on, and follow the edits from then. */
  attempted: boolean;
  /** The copy this window follows. */
  started: StartedJob | undefined;
  edit(patch: Partial<CopyFormValues>): void;
  setAttempted(attempted: boolean): void;
  follow(started: StartedJob): void;
  /** Back to the form (after a summary or an error). */
  forget(): void;
}

export const useCopyUi = create<CopyUiStore>((set) => ({
  fromId: '',
  toId: '',
  pathsText: '',
  closure: true,
  compression: 'keep',
  level: '',
  keyChoice: 'none',
  attempted: false,
  started: undefined,
  edit: (patch) => set(patch),
  setAttempted: (attempted) => set({ attempted }),
  follow: (started) => set({ started }),
  forget: () => set({ started: undefined }),
}));
