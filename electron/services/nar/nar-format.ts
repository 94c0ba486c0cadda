/**
 * Shared pieces of the NAR wire format (see docs/nix-binary-cache.md, "NAR"): every token is a
 * u64 little-endian length, the bytes, and zero padding up to a multiple of 8.
 */
import { decodeNarText } from '../../../shared/nix/nar-listing';

export const narMagic = 'nix-archive-1';

/** Padding after `len` bytes of string data. */
export function padLength(len: number): number {
  return (8 - (len % 8)) % 8;
}

/** The full encoding of a token (length, bytes, padding) for a short ASCII string. */
export function encodeToken(s: string): Uint8Array {
  const out = new Uint8Array(8 + s.length + padLength(s.length));
  new DataView(out.buffer).setUint32(0, s.length, true);
  for (let i = 0; i < s.length; i++) out[8 + i] = s.charCodeAt(i);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A position inside a NAR: the names from the root down (empty for the root itself). */
export type NarPath = readonly Uint8Array[];

/**
 * A name for messages: UTF-8 where it is, `\xNN` for control characters and for bytes that are not
 * UTF-8 (which decodeNarText turned into lone surrogates U+DC80..U+DCFF).
 */
export function displayName(name: Uint8Array): string {
  let out = '';
  for (const ch of decodeNarText(name)) {
    // for..of walks code points, so a valid surrogate pair arrives whole and is kept.
    const c = ch.charCodeAt(0);
    const escaped = c < 0x20 || c === 0x7f ? c : ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? c - 0xdc00 : -1;
    out += escaped < 0 ? ch : '\\x' + escaped.toString(16).padStart(2, '0');
  }
  return out;
}

/** `/` for the root, `/lib/foo` below it; for messages. */
export function displayNarPath(path: NarPath): string {
  return path.length === 0 ? '/' : '/' + path.map(displayName).join('/');
}
