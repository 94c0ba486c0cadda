/**
 * The `.ls` NAR listing that `write-nar-listing=true` puts next to a narinfo (`<hash32>.ls`):
 * `{"version":1,"root":NODE}` with
 *   directory `{"type":"directory","entries":{NAME:NODE,...}}`,
 *   regular   `{"type":"regular","size":N,"executable":true,"narOffset":N}`,
 *   symlink   `{"type":"symlink","target":T}`.
 *
 * Pure TypeScript (no Node, no DOM) so the renderer can browse a listing and the main process can
 * write one with the same code.
 *
 * File names and symlink targets are bytes in a NAR, not text. Nix 2.8 copies those bytes into the
 * JSON unchanged (so a `.ls` may hold invalid UTF-8), while newer Nix refuses to write such a listing.
 * To keep every name exact, strings here use a lossless decoding: valid UTF-8 decodes normally and
 * each byte that is not part of valid UTF-8 becomes a lone surrogate U+DC80..U+DCFF (Python's
 * "surrogateescape"). `encodeNarText` turns those back into the original bytes, so
 * `encodeNarListing` reproduces Nix 2.8's `.ls` byte for byte, odd names included.
 */
import { compareBytes } from './bytes';

export interface NarListingRegular {
  type: 'regular';
  size: number;
  /** Nix writes it only when true; absent means false. */
  executable?: boolean;
  /** Byte offset of the file's contents inside the (uncompressed) NAR. Older Nix omits it. */
  narOffset?: number;
}

export interface NarListingSymlink {
  type: 'symlink';
  target: string;
}

export interface NarListingDirectory {
  type: 'directory';
  /**
   * Entries by name. Objects built by this module have a null prototype, so a file called
   * `__proto__` or `constructor` is an ordinary entry. Iteration order of a JS object is not byte
   * order (integer-like keys come first), so use `sortedEntries` to walk a directory in NAR order.
   */
  entries: Record<string, NarListingNode>;
}

export type NarListingNode = NarListingRegular | NarListingSymlink | NarListingDirectory;

export interface NarListing {
  version: 1;
  root: NarListingNode;
}

export class NarListingError extends Error {
  override name = 'NarListingError';
}

/** Same nesting limit as the NAR reader, so a hostile listing cannot exhaust the stack. */
export const maxNarListingDepth = 64;

// ---------------------------------------------------------------------------------------------
// Lossless UTF-8

/**
 * Bytes to string: valid UTF-8 decodes normally; every other byte (always ≥ 0x80) becomes the lone
 * surrogate U+DC00 + byte. Strict UTF-8: overlong forms, encoded surrogates and code points above
 * U+10FFFF are "other bytes", which is what keeps the mapping reversible.
 */
export function decodeNarText(bytes: Uint8Array): string {
  let out = '';
  let chunk: number[] = [];
  const flush = () => {
    out += String.fromCharCode(...chunk);
    chunk = [];
  };
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      chunk.push(b0);
      i += 1;
    } else {
      let cp = -1;
      let len = 0;
      if (b0 >= 0xc2 && b0 <= 0xdf) {
        const b1 = bytes[i + 1];
        if (b1 !== undefined && (b1 & 0xc0) === 0x80) {
          cp = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
          len = 2;
        }
      } else if (b0 >= 0xe0 && b0 <= 0xef) {
        const b1 = bytes[i + 1];
        const b2 = bytes[i + 2];
        if (b1 !== undefined && b2 !== undefined && (b1 & 0xc0) === 0x80 && (b2 & 0xc0) === 0x80) {
          const c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
          // Reject overlong (< U+0800) and surrogates (U+D800..U+DFFF).
          if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) {
            cp = c;
            len = 3;
          }
        }
      } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        const b1 = bytes[i + 1];
        const b2 = bytes[i + 2];
        const b3 = bytes[i + 3];
        if (
          b1 !== undefined && b2 !== undefined && b3 !== undefined &&
          (b1 & 0xc0) === 0x80 && (b2 & 0xc0) === 0x80 && (b3 & 0xc0) === 0x80
        ) {
          const c = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
          if (c >= 0x10000 && c <= 0x10ffff) {
            cp = c;
            len = 4;
          }
        }
      }
      if (cp < 0) {
        chunk.push(0xdc00 + b0);
        i += 1;
      } else if (cp >= 0x10000) {
        const v = cp - 0x10000;
        chunk.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
        i += len;
      } else {
        chunk.push(cp);
        i += len;
      }
    }
    // String.fromCharCode(...) takes its arguments on the stack; keep the batches small.
    if (chunk.length >= 4096) flush();
  }
  flush();
  return out;
}

/**
 * String to bytes, the inverse of `decodeNarText`: lone U+DC80..U+DCFF become the byte they stand
 * for; other lone surrogates (which decoding never produces) become U+FFFD like TextEncoder does.
 */
export function encodeNarText(text: string): Uint8Array {
  // Worst case 3 bytes per UTF-16 code unit.
  const out = new Uint8Array(text.length * 3);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[o++] = 0xf0 | (cp >> 18);
        out[o++] = 0x80 | ((cp >> 12) & 0x3f);
        out[o++] = 0x80 | ((cp >> 6) & 0x3f);
        out[o++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        out[o++] = 0xef;
        out[o++] = 0xbf;
        out[o++] = 0xbd;
      }
    } else if (c >= 0xdc80 && c <= 0xdcff) {
      out[o++] = c - 0xdc00;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out[o++] = 0xef;
      out[o++] = 0xbf;
      out[o++] = 0xbd;
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, o);
}

/**
 * Byte-wise order of two names, the order of entries in a NAR and a `.ls`. Not JS string order:
 * UTF-16 puts U+E000..U+FFFF after surrogate pairs (U+10000 and up) while UTF-8 does not.
 */
export function compareNarNames(a: string, b: string): number {
  return compareBytes(encodeNarText(a), encodeNarText(b));
}

/** Why `name` cannot be a directory entry in a NAR, or null if it can (Nix's rules). */
export function invalidNarName(name: string): string | null {
  if (name === '') return 'empty name';
  if (name === '.' || name === '..') return `name "${name}" is not allowed`;
  if (name.includes('/')) return 'name contains "/"';
  if (name.includes('\0')) return 'name contains a NUL byte';
  return null;
}

/** A directory's entries in byte order (the order Nix writes and NAR readers require). */
export function sortedEntries(dir: NarListingDirectory): Array<[string, NarListingNode]> {
  const keyed = Object.keys(dir.entries).map((name) => ({ name, bytes: encodeNarText(name) }));
  keyed.sort((x, y) => compareBytes(x.bytes, y.bytes));
  return keyed.map(({ name }) => [name, dir.entries[name]!]);
}

/** An empty entries object with no prototype (see `NarListingDirectory.entries`). */
export function emptyEntries(): Record<string, NarListingNode> {
  return Object.create(null) as Record<string, NarListingNode>;
}

// ---------------------------------------------------------------------------------------------
// Serialising

/**
 * JSON string escaping exactly as Nix 2.8 writes it (its own json.cc): `"` and `\` backslashed,
 * `\n` `\r` `\t` short forms, every other control character as `\u00xx` in lower-case hex, and
 * everything else (DEL, non-ASCII, invalid bytes) copied as is. JSON.stringify differs (`\b`, `\f`,
 * escapes lone surrogates), hence this function.
 */
function quote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + s.slice(start) + '"';
}

function serialiseNode(node: NarListingNode, parts: string[]): void {
  switch (node.type) {
    case 'regular':
      // Nix 2.8's key order and omissions: `executable` only when true, `narOffset` only when not 0.
      parts.push(`{"type":"regular","size":${node.size}`);
      if (node.executable) parts.push(',"executable":true');
      if (node.narOffset) parts.push(`,"narOffset":${node.narOffset}`);
      parts.push('}');
      return;
    case 'symlink':
      parts.push(`{"type":"symlink","target":${quote(node.target)}}`);
      return;
    case 'directory': {
      parts.push('{"type":"directory","entries":{');
      let first = true;
      for (const [name, child] of sortedEntries(node)) {
        if (!first) parts.push(',');
        first = false;
        parts.push(quote(name), ':');
        serialiseNode(child, parts);
      }
      parts.push('}}');
      return;
    }
  }
}

/**
 * The listing as JSON text, in Nix 2.8's exact form (compact, its key order, entries in byte order).
 * Newer Nix (nlohmann::json) writes the same values with keys sorted alphabetically; both parse the
 * same. Odd-byte names stay lone surrogates here; `encodeNarListing` gives the file's bytes.
 */
export function serialiseNarListing(listing: NarListing): string {
  const parts: string[] = ['{"version":1,"root":'];
  serialiseNode(listing.root, parts);
  parts.push('}');
  return parts.join('');
}

/** The bytes of the `.ls` file Nix 2.8 would write for this listing (no trailing newline). */
export function encodeNarListing(listing: NarListing): Uint8Array {
  return encodeNarText(serialiseNarListing(listing));
}

// ---------------------------------------------------------------------------------------------
// Parsing and validating

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing (missing)';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function jsonPath(segments: readonly string[]): string {
  return '/' + segments.join('/');
}

function validateNode(value: unknown, segments: string[]): NarListingNode {
  const at = () => `at ${jsonPath(segments)}`;
  if (!isObject(value)) throw new NarListingError(`${at()}: expected a node object, got ${describe(value)}`);
  const type = value['type'];
  switch (type) {
    case 'regular': {
      const size = value['size'];
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new NarListingError(`${at()}: "size" must be a non-negative integer, got ${describe(size)}`);
      }
      const node: NarListingRegular = { type: 'regular', size };
      const executable = value['executable'];
      if (executable !== undefined) {
        if (typeof executable !== 'boolean') {
          throw new NarListingError(`${at()}: "executable" must be a boolean, got ${describe(executable)}`);
        }
        if (executable) node.executable = true;
      }
      const narOffset = value['narOffset'];
      if (narOffset !== undefined) {
        if (typeof narOffset !== 'number' || !Number.isSafeInteger(narOffset) || narOffset < 0) {
          throw new NarListingError(`${at()}: "narOffset" must be a non-negative integer, got ${describe(narOffset)}`);
        }
        if (narOffset !== 0) node.narOffset = narOffset;
      }
      return node;
    }
    case 'symlink': {
      const target = value['target'];
      if (typeof target !== 'string') {
        throw new NarListingError(`${at()}: "target" must be a string, got ${describe(target)}`);
      }
      return { type: 'symlink', target };
    }
    case 'directory': {
      const entries = value['entries'];
      if (!isObject(entries)) {
        throw new NarListingError(`${at()}: "entries" must be an object, got ${describe(entries)}`);
      }
      const out = emptyEntries();
      for (const name of Object.keys(entries)) {
        const bad = invalidNarName(name);
        if (bad) throw new NarListingError(`${at()}: invalid entry name ${JSON.stringify(name)}: ${bad}`);
        segments.push(name);
        if (segments.length > maxNarListingDepth) {
          throw new NarListingError(`at ${jsonPath(segments)}: nested deeper than ${maxNarListingDepth} levels`);
        }
        out[name] = validateNode(entries[name], segments);
        segments.pop();
      }
      return { type: 'directory', entries: out };
    }
    default:
      throw new NarListingError(`${at()}: unknown node type ${describe(type)}`);
  }
}

/**
 * Checks that `value` (e.g. the result of JSON.parse) is a well-formed listing and returns a clean
 * copy: only the known fields, null-prototype `entries`, `executable: false` and `narOffset: 0`
 * dropped (they mean the same as absent). Unknown extra fields are ignored, as Nix ignores them.
 */
export function validateNarListing(value: unknown): NarListing {
  if (!isObject(value)) throw new NarListingError(`expected a listing object, got ${describe(value)}`);
  if (value['version'] !== 1) {
    throw new NarListingError(`unsupported listing version ${describe(value['version'])} (expected 1)`);
  }
  if (!('root' in value)) throw new NarListingError('listing has no "root"');
  return { version: 1, root: validateNode(value['root'], []) };
}

/**
 * Parses `.ls` JSON text. Nested arrays/objects are parsed by JSON.parse before validation; a
 * pathologically deep document makes JSON.parse itself throw, reported here as a NarListingError.
 */
export function parseNarListing(text: string): NarListing {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new NarListingError(`listing is not valid JSON: ${(e as Error).message}`);
  }
  return validateNarListing(value);
}

/** Parses the bytes of a `.ls` file (already decompressed), keeping odd-byte names exact. */
export function decodeNarListing(bytes: Uint8Array): NarListing {
  return parseNarListing(decodeNarText(bytes));
}

/**
 * The node at `path` ("/" or "" for the root, "/lib/foo" or "lib/foo" below it), or undefined.
 * Symlinks are not followed: a listing cannot resolve absolute targets anyway.
 */
export function lookupNarListing(listing: NarListing, path: string): NarListingNode | undefined {
  let node: NarListingNode = listing.root;
  for (const name of path.split('/')) {
    if (name === '') continue;
    if (node.type !== 'directory') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node.entries, name)) return undefined;
    node = node.entries[name]!;
  }
  return node;
}
