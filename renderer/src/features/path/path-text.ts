import type { SignatureVerdictView } from '../../../../shared/api/contract-path';

/** `<hash>-<name>` → `<name>`; a bare hash stays as it is. */
export const nameOf = (basename: string): string => (basename.length > 33 ? basename.slice(33) : basename);

export const verdictLabel: Record<SignatureVerdictView['result'], string> = {
  valid: 'valid',
  invalid: 'invalid',
  untrusted: 'key not trusted',
  malformed: 'malformed',
  unverifiable: 'cannot be checked',
};

/** "2026-12-03 21:55 UTC": the time an index was refreshed, the same on every machine. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A signature or key shortened for a table: its name and the first characters of its base64. */
export function shortSig(sig: string, keep = 12): string {
  const colon = sig.indexOf(':');
  if (colon < 0 || sig.length - colon - 1 <= keep) return sig;
  return `${sig.slice(0, colon + 1 + keep)}…`;
}
