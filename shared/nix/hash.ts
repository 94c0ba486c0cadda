import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64, encodeBase64, base64Length } from './base64';
import { FormatError, quote } from './errors';
import { decodeNix32, encodeNix32, nix32Length } from './nix32';

/** The hash algorithms Nix knows. Narinfos use only sha256; content addresses may use the others. */
export type HashAlgo = 'md5' | 'sha1' | 'sha256' | 'sha512';
export type HashFormat = 'nix32' | 'base16' | 'base64' | 'sri';

export interface Hash {
  readonly algo: HashAlgo;
  readonly bytes: Uint8Array;
}

const SIZES: Record<HashAlgo, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export const HASH_ALGOS: readonly HashAlgo[] = ['md5', 'sha1', 'sha256', 'sha512'];

export function isHashAlgo(name: string): name is HashAlgo {
  return Object.hasOwn(SIZES, name);
}

/** Digest size in bytes. */
export function hashSize(algo: HashAlgo): number {
  return SIZES[algo];
}

function parseAlgo(name: string): HashAlgo {
  if (!isHashAlgo(name)) throw new FormatError(`unknown hash algorithm ${quote(name)}`);
  return name;
}

const HEX = '0123456789abcdef';

function decodeHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v =
      c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (v < 0) {
      throw new FormatError(`invalid character ${JSON.stringify(text[i])} at position ${i} in base-16 hash`, {
        offset: i,
      });
    }
    out[i >> 1] = out[i >> 1]! | (i % 2 === 0 ? v << 4 : v);
  }
  return out;
}

function encodeHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

/**
 * The part of a hash after `algo:` (no SRI): base-16, nix32 or base64, told apart by length as Nix
 * does (for sha256: 64, 52 and 44 characters). Base-16 accepts both cases.
 */
export function parseHashBody(body: string, algo: HashAlgo): Hash {
  const size = SIZES[algo];
  if (body.length === size * 2) return { algo, bytes: decodeHex(body) };
  if (body.length === nix32Length(size)) return { algo, bytes: decodeNix32(body, size) };
  if (body.length === base64Length(size)) return { algo, bytes: decodeBase64Exact(body, size, 'base64') };
  throw new FormatError(
    `${algo} hash ${quote(body)} has wrong length ${body.length} ` +
      `(expected ${nix32Length(size)} nix32, ${size * 2} base-16 or ${base64Length(size)} base64 characters)`,
  );
}

function decodeBase64Exact(text: string, size: number, what: string): Uint8Array {
  const bytes = decodeBase64(text);
  if (bytes.length !== size) {
    throw new FormatError(`${what} hash decodes to ${bytes.length} bytes, expected ${size}`);
  }
  return bytes;
}

/**
 * Parses a hash the way Nix's `Hash::parseAnyPrefixed` does: `algo:` followed by base-16, nix32 or
 * base64 (told apart by length), or SRI `algo-<base64>`. With `expected`, any other algorithm is an
 * error. Errors carry `offset` relative to `text` where a bad character is known.
 */
export function parseHash(text: string, expected?: HashAlgo): Hash {
  const colon = text.indexOf(':');
  const dash = colon < 0 ? text.indexOf('-') : -1;
  const sep = colon >= 0 ? colon : dash;
  if (sep < 0) {
    throw new FormatError(`hash ${quote(text)} does not start with an algorithm ('sha256:' or 'sha256-')`);
  }
  const algo = parseAlgo(text.slice(0, sep));
  if (expected !== undefined && algo !== expected) {
    throw new FormatError(`expected a ${expected} hash, got ${algo}`);
  }
  const body = text.slice(sep + 1);
  try {
    if (colon >= 0) return parseHashBody(body, algo);
    return { algo, bytes: decodeBase64Exact(body, SIZES[algo], 'SRI') };
  } catch (e) {
    if (e instanceof FormatError && e.offset !== undefined) throw e.at({ offset: e.offset + sep + 1 });
    throw e;
  }
}

/**
 * Renders a hash. `nix32`, `base16` and `base64` are written `algo:<digest>` (or the bare digest with
 * `prefix: false`); `sri` is always `algo-<base64>`.
 */
export function formatHash(hash: Hash, format: HashFormat = 'nix32', options: { prefix?: boolean } = {}): string {
  if (format === 'sri') return `${hash.algo}-${encodeBase64(hash.bytes)}`;
  const digest =
    format === 'nix32' ? encodeNix32(hash.bytes) : format === 'base16' ? encodeHex(hash.bytes) : encodeBase64(hash.bytes);
  return options.prefix === false ? digest : `${hash.algo}:${digest}`;
}

/** `sha256:<nix32>`, the form narinfos and fingerprints use. */
export const hashToNix32 = (hash: Hash): string => formatHash(hash, 'nix32');
/** `sha256-<base64>`, the form `nix path-info --json` uses. */
export const hashToSri = (hash: Hash): string => formatHash(hash, 'sri');
/** The bare lower-case hex digest, as `sha256sum` prints it. */
export const hashToHex = (hash: Hash): string => formatHash(hash, 'base16', { prefix: false });

export function hashEquals(a: Hash, b: Hash): boolean {
  if (a.algo !== b.algo || a.bytes.length !== b.bytes.length) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** The sha256 of some bytes. */
export function sha256Hash(data: Uint8Array): Hash {
  return { algo: 'sha256', bytes: sha256(data) };
}
