import { FormatError } from './errors';

/** Nix's base-32 alphabet: digits and lower-case letters without e, o, u and t. */
export const NIX32_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < NIX32_ALPHABET.length; i++) DECODE[NIX32_ALPHABET.charCodeAt(i)] = i;

/** Number of nix32 characters for `byteLength` bytes: ceil(bytes × 8 / 5); 52 for sha256, 32 for a store path digest. */
export function nix32Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}

/** Is `c` (one character) in the nix32 alphabet? */
export function isNix32Char(c: string): boolean {
  const code = c.charCodeAt(0);
  return c.length === 1 && code < 128 && DECODE[code] !== -1;
}

/**
 * Nix's base-32 encoding. Characters are produced from the end of the bytes: the first character
 * carries the top bits of the last byte, so it is NOT RFC 4648 base32.
 */
export function encodeNix32(bytes: Uint8Array): string {
  const len = nix32Length(bytes.length);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i]! >> j) | (i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0);
    out += NIX32_ALPHABET[c & 31];
  }
  return out;
}

/**
 * Decodes nix32. The length must be that of some byte count (`byteLength`, if given, must match),
 * every character must be in the alphabet, and bits beyond the last byte must be zero (as in Nix, so
 * every byte string has exactly one encoding). Errors carry the character offset in `offset`.
 */
export function decodeNix32(text: string, byteLength?: number): Uint8Array {
  const size = byteLength ?? Math.floor((text.length * 5) / 8);
  if (nix32Length(size) !== text.length) {
    throw new FormatError(
      byteLength === undefined
        ? `nix32 string has invalid length ${text.length}`
        : `nix32 string has length ${text.length}, expected ${nix32Length(byteLength)} for ${byteLength} bytes`,
    );
  }
  const out = new Uint8Array(size);
  for (let n = 0; n < text.length; n++) {
    const pos = text.length - n - 1;
    const code = text.charCodeAt(pos);
    const digit = code < 128 ? DECODE[code]! : -1;
    if (digit < 0) {
      throw new FormatError(`invalid character ${JSON.stringify(text[pos])} at position ${pos} in nix32 string`, {
        offset: pos,
      });
    }
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    out[i] = out[i]! | ((digit << j) & 0xff);
    const carry = digit >> (8 - j);
    if (i + 1 < size) out[i + 1] = out[i + 1]! | carry;
    else if (carry !== 0) {
      throw new FormatError(
        `nix32 string is not canonical: character ${JSON.stringify(text[pos])} at position ${pos} sets bits beyond the last byte`,
        { offset: pos },
      );
    }
  }
  return out;
}
