import { FormatError } from './errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Length of the padded base64 encoding of `byteLength` bytes. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/** Standard base64 (RFC 4648 §4) with `=` padding, as Nix writes it. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Strict standard base64: the alphabet `A-Z a-z 0-9 + /`, `=` padding to a multiple of 4 characters,
 * padding only at the end, unused trailing bits zero (the canonical encoding, which is all that Nix
 * ever writes). Nix's own decoder is laxer (it stops at the first `=` and skips newlines); being strict
 * means a damaged key or signature is reported instead of silently decoding to other bytes.
 * Errors carry the character offset in `offset`.
 */
export function decodeBase64(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 61 /* = */ && (c >= 128 || DECODE[c] === -1)) {
      throw new FormatError(`invalid character ${JSON.stringify(text[i])} at position ${i} in base64 string`, {
        offset: i,
      });
    }
  }
  const firstPad = text.indexOf('=');
  if (firstPad >= 0) {
    const pad = text.slice(firstPad);
    if (pad !== '=' && pad !== '==') {
      throw new FormatError(`misplaced '=' at position ${firstPad} in base64 string`, { offset: firstPad });
    }
  }
  if (text.length % 4 !== 0) {
    throw new FormatError(`bad base64 padding: length ${text.length} is not a multiple of 4`);
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const a = DECODE[text.charCodeAt(i)]!;
    const b = DECODE[text.charCodeAt(i + 1)]!;
    const cc = text.charCodeAt(i + 2);
    const dc = text.charCodeAt(i + 3);
    const c = cc === 61 ? 0 : DECODE[cc]!;
    const d = dc === 61 ? 0 : DECODE[dc]!;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    if (cc !== 61) out[o++] = (n >> 8) & 255;
    else if ((n & 0xffff) !== 0) throw nonCanonical(i + 1);
    if (dc !== 61) out[o++] = n & 255;
    else if (cc !== 61 && (n & 0xff) !== 0) throw nonCanonical(i + 2);
  }
  return out;
}

function nonCanonical(offset: number): FormatError {
  return new FormatError(`non-canonical base64: unused bits of the last character are not zero`, { offset });
}
