import { checkContentAddressed } from '../nix/content-addressed-path';
import { FormatError } from '../nix/errors';
import { parseHash } from '../nix/hash';
import { formatPublicKey, parsePublicKey, type PublicKey } from '../nix/keys';
import { verifyNarinfo } from '../nix/signature';
import type { LenientFields } from './lenient-narinfo';

/** One `Sig` line against the trusted keys. */
export interface SignatureVerdict {
  sig: string;
  keyName: string;
  /**
   * valid: a trusted key of that name verifies it; invalid: a trusted key has that name but it does not
   * verify (altered narinfo, another key of the same name, not 64 bytes); untrusted: no trusted key
   * has that name (Nix ignores it); malformed: not `name:base64`; unverifiable: the narinfo lacks what
   * the signed fingerprint is made of.
   */
  result: 'valid' | 'invalid' | 'untrusted' | 'malformed' | 'unverifiable';
  reason?: string;
}

export interface TrustedKeyCheck {
  text: string;
  name?: string;
  /** Why this entry is not a usable public key (it is left out of the verdicts). */
  problem?: string;
}

export interface SignatureReport {
  signatures: SignatureVerdict[];
  keys: TrustedKeyCheck[];
  /** Would a Nix client trusting exactly these keys (require-sigs on, the default) substitute this path? */
  accepted: boolean;
  /** Why, in one sentence. */
  reason: string;
  /** The path is content-addressed in Nix's sense (its CA gives its store path): no signature needed. */
  contentAddressed: boolean;
}

/** Parses the trusted key set the user chose; a bad entry is reported and left out, not fatal. */
export function checkTrustedKeys(texts: readonly string[]): { keys: PublicKey[]; checks: TrustedKeyCheck[] } {
  const keys: PublicKey[] = [];
  const checks: TrustedKeyCheck[] = [];
  for (const raw of texts) {
    const text = raw.trim();
    if (text === '') continue;
    try {
      const key = parsePublicKey(text);
      keys.push(key);
      checks.push({ text: formatPublicKey(key), name: key.name });
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      checks.push({ text, problem: e.message });
    }
  }
  return { keys, checks };
}

/**
 * Each signature's verdict and whether Nix would accept the path: Nix (2.8, `require-sigs = true`)
 * substitutes a path when at least one signature verifies with a trusted key, or when the path is
 * content-addressed (its CA field gives exactly its store path), which needs no signature at all.
 */
export function signatureReport(fields: LenientFields, trustedKeyTexts: readonly string[]): SignatureReport {
  const { keys, checks } = checkTrustedKeys(trustedKeyTexts);
  let signatures: SignatureVerdict[];
  let fingerprintProblem: string | undefined;
  let ca: ReturnType<typeof checkContentAddressed> | undefined;
  if (fields.storePath === undefined || fields.narHash === undefined || fields.narSize === undefined) {
    const lacking = [fields.storePath === undefined && 'StorePath', fields.narHash === undefined && 'NarHash', fields.narSize === undefined && 'NarSize'].filter(Boolean).join(', ');
    fingerprintProblem = `the narinfo has no usable ${lacking}, which the signed fingerprint is made of`;
    signatures = fields.sigs.map((sig) => ({ sig, keyName: sig.slice(0, Math.max(0, sig.indexOf(':'))), result: 'unverifiable', reason: fingerprintProblem }));
  } else {
    const info = { storePath: fields.storePath, narHash: parseHash(fields.narHash, 'sha256'), narSize: fields.narSize, references: fields.references, sigs: fields.sigs };
    signatures = verifyNarinfo(info, keys).signatures.map((s) => ({ sig: s.sig, keyName: s.keyName, result: s.result, ...(s.reason ? { reason: s.reason } : {}) }));
    ca = checkContentAddressed({ ...info, ...(fields.ca !== undefined ? { ca: fields.ca } : {}) });
  }

  const contentAddressed = ca?.status === 'content-addressed';
  const valid = signatures.find((s) => s.result === 'valid');
  let accepted = true;
  let reason: string;
  if (valid) reason = `Signed by ${valid.keyName}, a trusted key.`;
  else if (contentAddressed) reason = 'Content-addressed: its CA field gives its store path, so Nix needs no signature.';
  else {
    accepted = false;
    if (fingerprintProblem) reason = `No signature can be checked: ${fingerprintProblem}.`;
    else if (fields.sigs.length === 0) reason = 'Unsigned: Nix ignores unsigned paths unless require-sigs is off.';
    else if (keys.length === 0) reason = 'No trusted keys are chosen, so no signature can be valid.';
    else if (signatures.some((s) => s.result === 'invalid')) reason = `A trusted key's signature does not verify (${signatures.find((s) => s.result === 'invalid')!.keyName}): the narinfo was altered or signed by another key of that name.`;
    else reason = `No signature is by a trusted key (signed by ${[...new Set(signatures.map((s) => s.keyName || '?'))].join(', ')}).`;
    if (ca?.status === 'mismatch') reason += ` Its CA field does not make it content-addressed: ${ca.reason}.`;
  }
  return { signatures, keys: checks, accepted, reason, contentAddressed };
}
