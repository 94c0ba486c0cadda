import { create } from 'zustand';

/** UI state of the NAR views, per path (`cacheId path`): open directories, the previewed file, the jobs started here. */
export interface PathNarUi {
  expanded: string[];
  selected?: string;
  jobs: { verify?: string; save?: string; extract?: string; log?: string };
}

interface NarUiStore {
  paths: Record<string, PathNarUi>;
  /** The folder downloads and extractions go to (on the machine Narwhal runs on). */
  folder: string;
  setFolder(folder: string): void;
  update(key: string, change: (ui: PathNarUi) => PathNarUi): void;
}

export const emptyUi: PathNarUi = { expanded: ['/'], jobs: {} };

export const useNarUi = create<NarUiStore>((set) => ({
  paths: {},
  folder: '~/Downloads',
  setFolder: (folder) => set({ folder }),
  update: (key, change) => set((s) => ({ paths: { ...s.paths, [key]: change(s.paths[key] ?? emptyUi) } })),
}));

export const uiKey = (cacheId: string, storePath: string) => `${cacheId} ${storePath}`;
