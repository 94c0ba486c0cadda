import { create } from 'zustand';

/**
 * UI state of path pages: which public keys the verdicts use, and which closure tree rows are open.
 * The trusted set starts as every key Nix on this machine trusts plus the key store's public keys
 * (`defaults`, from the main process); the user unticks some and pastes others. It is the same for
 * every path and cache, as Nix's own setting is, and lasts while the window is open.
 */
interface PathUiState {
  /** Default keys (as `name:base64`) the user unticked. */
  excluded: string[];
  /** Keys the user pasted, in the order added. */
  pasted: string[];
  /** Open rows of each closure tree, by `<cacheId> <hash>`. */
  expanded: Record<string, string[]>;
  toggleDefault(key: string): void;
  addPasted(keys: readonly string[]): void;
  removePasted(key: string): void;
  setExpanded(tree: string, rows: readonly string[]): void;
}

export const usePathUi = create<PathUiState>((set) => ({
  excluded: [],
  pasted: [],
  expanded: {},
  toggleDefault: (key) => set((s) => ({ excluded: s.excluded.includes(key) ? s.excluded.filter((k) => k !== key) : [...s.excluded, key] })),
  addPasted: (keys) => set((s) => ({ pasted: [...s.pasted, ...keys.filter((k) => !s.pasted.includes(k))] })),
  removePasted: (key) => set((s) => ({ pasted: s.pasted.filter((k) => k !== key) })),
  setExpanded: (tree, rows) => set((s) => ({ expanded: { ...s.expanded, [tree]: [...rows] } })),
}));

/** The keys the verdicts use: the defaults still ticked, then the pasted ones, each once. */
export function chosenKeys(defaults: readonly string[], excluded: readonly string[], pasted: readonly string[]): string[] {
  return [...new Set([...defaults.filter((k) => !excluded.includes(k)), ...pasted])];
}

/** Public keys pasted as text: one or more, separated by spaces, commas or new lines (as nix.conf lists them). */
export function splitPastedKeys(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}
