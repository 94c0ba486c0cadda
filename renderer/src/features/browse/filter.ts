import type { PathEntry } from '../../../../shared/api/contract';

const storeHash = /^[0-9a-df-np-sv-z]{32}$/;

export interface PathFilter {
  /** Lower-cased text to look for in the hash or the name; '' matches everything. */
  text: string;
  /** Set when the user pasted a whole store path: then only that hash matches. */
  hash?: string;
}

/** Reads what the user typed: a substring, or a store path (`/nix/store/<hash>-name`) pasted from elsewhere. */
export function parseFilter(input: string): PathFilter {
  const text = input.trim().toLowerCase();
  const withoutDir = text.replace(/^\/nix\/store\//, '');
  const candidate = withoutDir.slice(0, 32);
  if (withoutDir !== text && storeHash.test(candidate) && (withoutDir.length === 32 || withoutDir[32] === '-')) {
    return { text, hash: candidate };
  }
  return { text };
}

/**
 * The entries that match, in their listed order. Names are only known for rows that have been
 * resolved, so a name search finds what has been resolved so far; a hash search is always complete.
 */
export function filterEntries(
  entries: readonly PathEntry[],
  filter: PathFilter,
  nameOf: (hash: string) => string | undefined,
): readonly PathEntry[] {
  if (filter.hash) return entries.filter((entry) => entry.hash === filter.hash);
  if (filter.text === '') return entries;
  const text = filter.text;
  return entries.filter((entry) => {
    if (entry.hash.includes(text)) return true;
    const name = entry.name ?? nameOf(entry.hash);
    return name !== undefined && name.toLowerCase().includes(text);
  });
}

/**
 * Whether typed text is most likely part of a hash (six or more characters, all of the nix32
 * alphabet): then there is no point telling the user that names are incomplete.
 */
export const looksLikeHash = (text: string): boolean => /^[0-9a-df-np-sv-z]{6,32}$/.test(text);

export const storePathOf = (hash: string, name: string | undefined): string => (name ? `/nix/store/${hash}-${name}` : `/nix/store/${hash}`);
