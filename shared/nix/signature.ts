import { decodeBase64, encodeBase64 } from './base64';
import { FormatError, quote } from './errors';
import { formatHash, type Hash } from './hash';
import { checkKeyName, signDetached, verifyDetached, type PublicKey, type SecretKey } from './keys';
import { parseStoreBasename, parseStorePath, storeDirOf } from './store-path';
import { sortedUnique, utf8Encode } from './text';

/** What a signature covers: the parts of a narinfo (or of `nix path-info`) that say what the path is. */
export interface FingerprintInput {
  /** Full store path. */
  storePath: string;
  narHash: Hash;
  narSize: number;
  /** References as base names or full paths in the same store. */
  references: readonly string[];
}

/**
 * The string Nix signs: `1;<store path>;sha256:<nix32 NarHash>;<NarSize>;<reference paths, sorted,
 * without duplicates, joined by ','>`. The hash is re-rendered as nix32 whatever encoding it came in.
 */
export function fingerprint(info: FingerprintInput): string {
  const path = parseStorePath(info.storePath, storeDirOf(info.storePath));
  if (info.narHash.algo !== 'sha256') {
    throw new FormatError(`cannot compute the fingerprint of ${path.path}: NarHash is ${info.narHash.algo}, not sha256`);
  }
  if (!Number.isSafeInteger(info.narSize) || info.narSize <= 0) {
    throw new FormatError(`cannot compute the fingerprint of ${path.path}: NarSize is not known`);
  }
  const refs = sortedUnique(
    info.references.map((r) => {
      const basename = r.includes('/') ? parseStorePath(r, path.storeDir).basename : parseStoreBasename(r).basename;
      return `${path.storeDir}/${basename}`;
    }),
  );
  return `1;${path.path};${formatHash(info.narHash, 'nix32')};${info.narSize};${refs.join(',')}`;
}

export interface Signature {
  keyName: string;
  /** The 64-byte Ed25519 signature. */
  bytes: Uint8Array;
}

/** Parses `keyname:base64(64 bytes)`. */
export function parseSignature(text: string): Signature {
  const colon = text.indexOf(':');
  if (colon < 0) throw new FormatError(`signature ${quote(text)} is not of the form 'keyname:base64'`);
  const keyName = text.slice(0, colon);
  try {
    checkKeyName(keyName);
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`signature has a bad key name: ${e.detail}`);
    throw e;
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text.slice(colon + 1));
  } catch (e) {
    if (e instanceof FormatError) {
      throw new FormatError(`signature by ${quote(keyName)}: ${e.detail}`, { offset: colon + 1 + (e.offset ?? 0) });
    }
    throw e;
  }
  if (bytes.length !== 64) throw new FormatError(`signature by ${quote(keyName)} is ${bytes.length} bytes, expected 64`);
  return { keyName, bytes };
}

export function formatSignature(signature: Signature): string {
  return `${signature.keyName}:${encodeBase64(signature.bytes)}`;
}

/** Signs the fingerprint of a narinfo; returns the `Sig` value, `keyname:base64`. */
export function signNarinfo(info: FingerprintInput, secretKey: SecretKey): string {
  const message = utf8Encode(fingerprint(info));
  return formatSignature({ keyName: secretKey.name, bytes: signDetached(secretKey, message) });
}

/** Adds the key's signature to a narinfo's `sigs` (a narinfo has at most one signature per key). */
export function addSignature(info: FingerprintInput & { sigs: string[] }, secretKey: SecretKey): void {
  const sig = signNarinfo(info, secretKey);
  if (!info.sigs.includes(sig)) info.sigs.push(sig);
}

/**
 * The result for one `Sig`:
 * - `valid`: a trusted key of that name verifies it;
 * - `invalid`: there are trusted keys of that name but none verifies it (or it is not 64 bytes of
 *   base64), i.e. the narinfo or the signature was altered, or the key was replaced;
 * - `untrusted`: no trusted key has that name (Nix ignores such signatures);
 * - `malformed`: not `keyname:base64` at all, so not attributable to any key.
 */
export interface SignatureCheck {
  sig: string;
  keyName: string;
  result: 'valid' | 'invalid' | 'untrusted' | 'malformed';
  /** Why, for `invalid` and `malformed`. */
  reason?: string;
}

/**
 * The verdict on a narinfo. The first match wins: any valid signature → `valid`; else a signature of
 * a trusted key name that does not verify → `invalid`; else any signatures → `untrusted` (with the
 * names of their keys); else `unsigned`. Content-addressed paths (`ca`) need no signature in Nix; this
 * verdict does not make that exception, the caller decides.
 */
export type NarinfoVerdict =
  | { status: 'valid'; keyName: string; signatures: SignatureCheck[] }
  | { status: 'invalid'; keyName: string; signatures: SignatureCheck[] }
  | { status: 'untrusted'; keyNames: string[]; signatures: SignatureCheck[] }
  | { status: 'unsigned'; signatures: SignatureCheck[] };

export interface SignedInfo extends FingerprintInput {
  sigs: readonly string[];
}

/** Checks every signature of a narinfo against the trusted keys. Throws FormatError only if the fingerprint cannot be made. */
export function verifyNarinfo(info: SignedInfo, trustedKeys: readonly PublicKey[]): NarinfoVerdict {
  const message = utf8Encode(fingerprint(info));
  const signatures: SignatureCheck[] = info.sigs.map((sig) => checkOne(sig, message, trustedKeys));
  const valid = signatures.find((s) => s.result === 'valid');
  if (valid) return { status: 'valid', keyName: valid.keyName, signatures };
  const invalid = signatures.find((s) => s.result === 'invalid');
  if (invalid) return { status: 'invalid', keyName: invalid.keyName, signatures };
  if (signatures.length > 0) {
    const keyNames = [...new Set(signatures.filter((s) => s.result === 'untrusted').map((s) => s.keyName))];
    return { status: 'untrusted', keyNames, signatures };
  }
  return { status: 'unsigned', signatures };
}

function checkOne(sig: string, message: Uint8Array, trustedKeys: readonly PublicKey[]): SignatureCheck {
  const colon = sig.indexOf(':');
  if (colon <= 0) return { sig, keyName: '', result: 'malformed', reason: "not of the form 'keyname:base64'" };
  const keyName = sig.slice(0, colon);
  const keys = trustedKeys.filter((k) => k.name === keyName);
  if (keys.length === 0) return { sig, keyName, result: 'untrusted' };
  let parsed: Signature;
  try {
    parsed = parseSignature(sig);
  } catch (e) {
    if (e instanceof FormatError) return { sig, keyName, result: 'invalid', reason: e.detail };
    throw e;
  }
  if (keys.some((k) => verifyDetached(k, message, parsed.bytes))) return { sig, keyName, result: 'valid' };
  return {
    sig,
    keyName,
    result: 'invalid',
    reason: 'the signature does not match the narinfo (altered narinfo, or a different key of the same name)',
  };
}
