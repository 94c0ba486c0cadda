const hashPattern = /^[0-9a-df-np-sv-z]{32}$/;
const namePattern = /^[A-Za-z0-9+\-._?=]+$/;

/**
 * What a user typed or pasted to look a path up in a cache that cannot be listed: a store path (or a
 * path inside one), a base name `<hash>-<name>`, or a bare hash. Gives the base name (or hash) the
 * path's page is opened with, or what is wrong with the text.
 */
export function parseLookup(input: string): { path: string } | { error: string } {
  const text = input.trim();
  if (text === '') return { error: 'Type a store path, a base name (<hash>-<name>) or a hash.' };
  let rest = text;
  if (rest.startsWith('/')) {
    if (!rest.startsWith('/nix/store/')) return { error: `“${text}” is not in /nix/store.` };
    rest = rest.slice('/nix/store/'.length).split('/')[0]!;
  }
  const hash = rest.slice(0, 32);
  if (!hashPattern.test(hash)) return { error: `“${text}” does not start with a store path hash (32 characters of 0-9 and a-z without e, o, u and t).` };
  if (rest.length === 32) return { path: hash };
  const name = rest.slice(33);
  if (rest[32] !== '-' || !namePattern.test(name)) return { error: `“${text}” is not a store path: after the hash comes “-” and the name.` };
  return { path: rest };
}
