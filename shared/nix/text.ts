/**
 * UTF-8 and string helpers. TextEncoder/TextDecoder exist in every runtime this code runs in (Node,
 * Electron, browsers) but are not part of lib ES2023, so their minimal shapes are declared here, in
 * module scope (this declares nothing global).
 */
declare const TextEncoder: new () => { encode(input: string): Uint8Array };
declare const TextDecoder: new (
  label?: string,
  options?: { fatal?: boolean; ignoreBOM?: boolean },
) => { decode(input: Uint8Array): string };

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8. With `strict` (the default) malformed input throws a TypeError; otherwise malformed
 * sequences become U+FFFD. A leading byte-order mark is kept as U+FEFF, never dropped silently.
 */
export function utf8Decode(bytes: Uint8Array, strict = true): string {
  return (strict ? strictDecoder : lenientDecoder).decode(bytes);
}

/**
 * Orders strings by code point, which is the byte order of their UTF-8 encodings, i.e. the order of
 * C++ `std::string` comparison that Nix uses for its sets. (Plain `<` compares UTF-16 code units.)
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Sorted by code point and without duplicates, like a `std::set<std::string>`. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}
