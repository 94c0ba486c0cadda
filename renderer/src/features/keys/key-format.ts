import type { KeyView, TrustedKeyView } from '../../../../shared/api/contract';

/** "/etc/nix/nix.conf:3", "NIX_CONFIG", "Nix default", "Narwhal". */
export function describeSource(source: TrustedKeyView['source']): string {
  return source.line !== undefined ? `${source.where}:${source.line}` : source.where;
}

export function keyRole(key: KeyView): string {
  if (!key.hasSecret) return 'Verify only';
  if (!key.secretAvailable) return 'Signing (locked)';
  return 'Signing';
}

/** The file name for an exported public key: the key name made safe for file systems. */
export function publicKeyFileName(key: Pick<KeyView, 'name'>): string {
  return `${key.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.pub`;
}

/** Where the Delete dialog suggests saving a copy of a secret key: the home folder (the main process expands `~/`). */
export function suggestedSecretPath(key: Pick<KeyView, 'name'>): string {
  return `~/${key.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.sec`;
}

/** A shortened public key for tables; the full one is in the title and copy button. */
export function shortKey(publicKey: string): string {
  const colon = publicKey.indexOf(':');
  const body = publicKey.slice(colon + 1);
  return body.length > 16 ? `${body.slice(0, 10)}…${body.slice(-6)}` : body;
}

/** Which key to show snippets for: the chosen one if it still exists, else the first signing key. */
export function snippetKey(keys: readonly KeyView[], chosen: string | null): KeyView | undefined {
  return keys.find((k) => k.id === chosen) ?? keys.find((k) => k.hasSecret) ?? keys[0];
}
