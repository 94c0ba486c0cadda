/**
 * A corpus of damaged inputs, each with the exact error it must give: what is wrong and where
 * (line, field). Built from real files written by Nix 2.8.
 */
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64';
import { parsePublicKey, parseSecretKey } from './keys';
import { parseNarinfo } from './narinfo';
import { parseSignature } from './signature';
import { catchFormatError } from './testdata/catch';
import { pk1, sk1, srcCa, topXz } from './testdata/fixtures';

const TOP = '/nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top';
const NAR32 = '0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21gx';
const LEAF = '71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf';

/** topXz with the line of `key` replaced (or removed with null). */
function edit(key: string, line: string | null, text = topXz): string {
  let found = false;
  const out = text
    .split('\n')
    .slice(0, -1)
    .flatMap((l) => {
      if (!l.startsWith(`${key}: `) || found) return [l];
      found = true;
      return line === null ? [] : [line];
    });
  if (!found) throw new Error(`no ${key} line`);
  return out.map((l) => `${l}\n`).join('');
}

interface Case {
  name: string;
  text: string;
  message: string;
  line?: number;
  field?: string;
}

const narinfoCases: Case[] = [
  // Truncation and line structure
  { name: 'empty file', text: '', message: 'narinfo: StorePath missing' },
  {
    name: 'truncated in the middle of a line',
    text: topXz.slice(0, topXz.indexOf('NarHash') + 20),
    message: "narinfo line 6: line does not end with '\\n' (truncated file?)",
    line: 6,
  },
  {
    name: 'last line without its newline',
    text: topXz.slice(0, -1),
    message: "narinfo line 11: line does not end with '\\n' (truncated file?)",
    line: 11,
  },
  {
    name: 'truncated after a complete line (required fields missing)',
    text: topXz.slice(0, topXz.indexOf('FileHash')),
    message: 'narinfo: NarHash missing',
  },
  { name: 'empty line in the middle', text: topXz.replace('\nURL', '\n\nURL'), message: 'narinfo line 2: empty line', line: 2 },
  { name: 'trailing blank line', text: `${topXz}\n`, message: 'narinfo line 12: empty line', line: 12 },
  {
    name: 'line without a colon',
    text: topXz.replace('Compression: xz', 'Compression xz'),
    message: `narinfo line 3: expected 'Key: value', found no ':' in "Compression xz"`,
    line: 3,
  },
  {
    name: 'no space after the colon',
    text: edit('URL', 'URL:nar/x.nar.xz'),
    message: "narinfo line 2 (URL): expected one space after ':'",
    line: 2,
    field: 'URL',
  },
  {
    name: 'colon at the end of the line',
    text: edit('Compression', 'Compression:'),
    message: "narinfo line 3 (Compression): expected one space after ':'",
    line: 3,
    field: 'Compression',
  },
  {
    name: 'CRLF line endings',
    text: topXz.replace(/\n/g, '\r\n'),
    message: `narinfo line 1 (StorePath): store path name "narwhal-top\\r" contains illegal character "\\r"`,
    line: 1,
    field: 'StorePath',
  },
  {
    name: 'byte-order mark (StorePath becomes an unknown key)',
    text: `\ufeff${topXz}`,
    message: 'narinfo: StorePath missing',
  },
  // Required fields
  { name: 'missing StorePath', text: edit('StorePath', null), message: 'narinfo: StorePath missing' },
  { name: 'missing NarHash', text: edit('NarHash', null), message: 'narinfo: NarHash missing' },
  { name: 'missing URL', text: edit('URL', null), message: 'narinfo: URL missing' },
  { name: 'empty URL', text: edit('URL', 'URL: '), message: 'narinfo line 2 (URL): URL is empty', line: 2, field: 'URL' },
  { name: 'missing NarSize', text: edit('NarSize', null), message: 'narinfo: NarSize missing' },
  {
    name: 'NarSize 0',
    text: edit('NarSize', 'NarSize: 0'),
    message: 'narinfo line 7 (NarSize): NarSize must be greater than 0',
    line: 7,
    field: 'NarSize',
  },
  // Numbers
  {
    name: 'negative NarSize',
    text: edit('NarSize', 'NarSize: -640'),
    message: 'narinfo line 7 (NarSize): "-640" is not a non-negative decimal integer',
    line: 7,
    field: 'NarSize',
  },
  {
    name: 'NarSize with a second space',
    text: edit('NarSize', 'NarSize:  640'),
    message: 'narinfo line 7 (NarSize): " 640" is not a non-negative decimal integer',
    line: 7,
    field: 'NarSize',
  },
  {
    name: 'NarSize in exponent notation',
    text: edit('NarSize', 'NarSize: 6.4e2'),
    message: 'narinfo line 7 (NarSize): "6.4e2" is not a non-negative decimal integer',
    line: 7,
  },
  {
    name: 'NarSize beyond 2^53',
    text: edit('NarSize', 'NarSize: 18446744073709551615'),
    message: 'narinfo line 7 (NarSize): 18446744073709551615 is too large (more than 2^53 - 1)',
    line: 7,
  },
  {
    name: 'empty FileSize',
    text: edit('FileSize', 'FileSize: '),
    message: 'narinfo line 5 (FileSize): "" is not a non-negative decimal integer',
    line: 5,
    field: 'FileSize',
  },
  // Duplicates
  {
    name: 'second non-empty References',
    text: `${topXz}References: ${LEAF}\n`,
    message: 'narinfo line 12 (References): second References line (references already listed on line 8)',
    line: 12,
    field: 'References',
  },
  {
    name: 'second CA',
    text: `${srcCa}CA: fixed:r:sha256:${NAR32}\n`,
    message: 'narinfo line 11 (CA): second CA line (CA already given on line 10)',
    line: 11,
    field: 'CA',
  },
  // Hashes
  {
    name: 'NarHash with a character outside nix32',
    text: edit('NarHash', `NarHash: sha256:${NAR32.slice(0, 51)}e`),
    message: 'narinfo line 6 (NarHash): invalid character "e" at position 51 in nix32 string',
    line: 6,
    field: 'NarHash',
  },
  {
    name: 'NarHash one character short',
    text: edit('NarHash', `NarHash: sha256:${NAR32.slice(1)}`),
    message: `narinfo line 6 (NarHash): sha256 hash "${NAR32.slice(1)}" has wrong length 51 (expected 52 nix32, 64 base-16 or 44 base64 characters)`,
    line: 6,
  },
  {
    name: 'NarHash with high bits set',
    text: edit('NarHash', `NarHash: sha256:z${NAR32.slice(1)}`),
    message:
      'narinfo line 6 (NarHash): nix32 string is not canonical: character "z" at position 0 sets bits beyond the last byte',
    line: 6,
  },
  {
    name: 'NarHash without algorithm',
    text: edit('NarHash', `NarHash: ${NAR32}`),
    message: `narinfo line 6 (NarHash): hash "${NAR32}" does not start with an algorithm ('sha256:' or 'sha256-')`,
    line: 6,
  },
  {
    name: 'NarHash in sha512',
    text: edit('NarHash', `NarHash: sha512:${'0'.repeat(128)}`),
    message: 'narinfo line 6 (NarHash): expected a sha256 hash, got sha512',
    line: 6,
  },
  {
    name: 'NarHash with an unknown algorithm',
    text: edit('NarHash', `NarHash: blake3:${NAR32}`),
    message: 'narinfo line 6 (NarHash): unknown hash algorithm "blake3"',
    line: 6,
  },
  {
    name: 'SRI NarHash without padding',
    text: edit('NarHash', 'NarHash: sha256-/QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3+3rcmw'),
    message: 'narinfo line 6 (NarHash): bad base64 padding: length 43 is not a multiple of 4',
    line: 6,
  },
  {
    name: 'SRI NarHash in URL-safe base64',
    text: edit('NarHash', 'NarHash: sha256-_QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3-3rcmw='),
    message: 'narinfo line 6 (NarHash): invalid character "_" at position 0 in base64 string',
    line: 6,
  },
  {
    name: 'hex FileHash with a bad digit',
    text: edit('FileHash', `FileHash: sha256:${'a'.repeat(63)}x`),
    message: 'narinfo line 4 (FileHash): invalid character "x" at position 63 in base-16 hash',
    line: 4,
    field: 'FileHash',
  },
  // Store paths
  {
    name: 'StorePath outside the store',
    text: edit('StorePath', `StorePath: /gnu/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top`),
    message: 'narinfo line 1 (StorePath): path "/gnu/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top" is not in the store directory "/nix/store"',
    line: 1,
    field: 'StorePath',
  },
  {
    name: 'StorePath as a base name',
    text: edit('StorePath', 'StorePath: as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top'),
    message: 'narinfo line 1 (StorePath): path "as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top" is not in the store directory "/nix/store"',
    line: 1,
  },
  {
    name: 'StorePath with a trailing slash',
    text: edit('StorePath', `StorePath: ${TOP}/`),
    message: `narinfo line 1 (StorePath): path "${TOP}/" is not a store path but a path inside one, or is not canonical`,
    line: 1,
  },
  {
    name: 'StorePath with a space in the name',
    text: edit('StorePath', `StorePath: ${TOP} 2`),
    message: 'narinfo line 1 (StorePath): store path name "narwhal-top 2" contains illegal character " "',
    line: 1,
  },
  {
    name: 'StorePath with a short hash',
    text: edit('StorePath', 'StorePath: /nix/store/as51gcmm-narwhal-top'),
    message: 'narinfo line 1 (StorePath): "as51gcmm-narwhal-top" is too short to be a store path basename',
    line: 1,
  },
  {
    name: 'StorePath hash with a letter outside nix32',
    text: edit('StorePath', 'StorePath: /nix/store/es51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top'),
    message: 'narinfo line 1 (StorePath): store path "es51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top" has illegal character "e" in its hash part',
    line: 1,
  },
  {
    name: 'StorePath name starting with a dot',
    text: edit('StorePath', 'StorePath: /nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-.top'),
    message: `narinfo line 1 (StorePath): store path name ".top" starts with '.'`,
    line: 1,
  },
  {
    name: 'StorePath name too long',
    text: edit('StorePath', `StorePath: /nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-${'x'.repeat(212)}`),
    message: 'narinfo line 1 (StorePath): store path name is 212 characters long, more than 211',
    line: 1,
  },
  {
    name: 'reference given as a full path',
    text: edit('References', `References: /nix/store/${LEAF}`),
    message: `narinfo line 8 (References): "/nix/store/${LEAF}" is a path; expected a store path base name '<hash>-<name>'`,
    line: 8,
    field: 'References',
  },
  {
    name: 'reference with a bad name',
    text: edit('References', `References: ${LEAF} 71nkqrw4r948fg17d1isyhdgx6djha39-a,b`),
    message: 'narinfo line 8 (References): store path name "a,b" contains illegal character ","',
    line: 8,
  },
  {
    name: 'Deriver with a full path',
    text: edit('Deriver', 'Deriver: /nix/store/nrs7nm8yl5r6qlvcx9pmajpvr9w73m5q-narwhal-top.drv'),
    message: `narinfo line 9 (Deriver): "/nix/store/nrs7nm8yl5r6qlvcx9pmajpvr9w73m5q-narwhal-top.drv" is a path; expected a store path base name '<hash>-<name>'`,
    line: 9,
    field: 'Deriver',
  },
  // CA
  {
    name: 'CA with an unknown method',
    text: edit('CA', `CA: source:sha256:${NAR32}`, srcCa),
    message: `narinfo line 10 (CA): content address prefix "source" is not 'text' or 'fixed'`,
    line: 10,
    field: 'CA',
  },
  {
    name: 'CA with a damaged hash',
    text: edit('CA', `CA: fixed:r:sha256:${NAR32.slice(2)}`, srcCa),
    message: `narinfo line 10 (CA): sha256 hash "${NAR32.slice(2)}" has wrong length 50 (expected 52 nix32, 64 base-16 or 44 base64 characters)`,
    line: 10,
  },
];

describe('corpus: malformed narinfos', () => {
  it.each(narinfoCases)('$name', ({ text, message, line, field }) => {
    const e = catchFormatError(() => parseNarinfo(text));
    expect(e.message).toBe(message);
    expect(e.source).toBe('narinfo');
    expect(e.line).toBe(line);
    if (field !== undefined) expect(e.field).toBe(field);
    if (e.offset !== undefined) {
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(text.length);
    }
  });

  it('points the offset at the bad character', () => {
    const text = edit('NarHash', `NarHash: sha256:${NAR32.slice(0, 10)}u${NAR32.slice(11)}`);
    const e = catchFormatError(() => parseNarinfo(text));
    expect(text[e.offset!]).toBe('u');
    const text2 = edit('References', `References: ${LEAF} x`);
    const e2 = catchFormatError(() => parseNarinfo(text2));
    expect(e2.message).toBe('narinfo line 8 (References): "x" is too short to be a store path basename');
    expect(text2.slice(e2.offset!, e2.offset! + 2)).toBe('x\n');
  });
});

const SK_DATA = sk1.slice(sk1.indexOf(':') + 1);
const PK_DATA = pk1.slice(pk1.indexOf(':') + 1);

const keyCases: Array<{ name: string; parse: (t: string) => unknown; text: string; message: string; field?: string }> = [
  { name: 'secret key: empty', parse: parseSecretKey, text: '', message: "secret key: expected 'name:base64', found no ':'" },
  { name: 'secret key: only a newline', parse: parseSecretKey, text: '\n', message: "secret key: expected 'name:base64', found no ':'" },
  { name: 'secret key: no name', parse: parseSecretKey, text: `:${SK_DATA}`, message: 'secret key (name): key name is empty', field: 'name' },
  { name: 'secret key: no data', parse: parseSecretKey, text: 'test.example.org-1:', message: 'secret key "test.example.org-1" (key): key data is empty', field: 'key' },
  {
    name: 'secret key: truncated (padding lost)',
    parse: parseSecretKey,
    text: sk1.slice(0, -2),
    message: 'secret key "test.example.org-1" (key): bad base64 padding: length 86 is not a multiple of 4',
    field: 'key',
  },
  {
    name: 'secret key: truncated at a 4-character boundary',
    parse: parseSecretKey,
    text: sk1.slice(0, -4),
    message: 'secret key "test.example.org-1" (key): key is 63 bytes, expected 64',
  },
  {
    name: 'secret key: a third padding character',
    parse: parseSecretKey,
    text: `${sk1}=`,
    message: `secret key "test.example.org-1" (key): misplaced '=' at position 86 in base64 string`,
  },
  {
    name: 'secret key: two trailing newlines',
    parse: parseSecretKey,
    text: `${sk1}\n\n`,
    message: 'secret key "test.example.org-1" (key): invalid character "\\n" at position 88 in base64 string',
  },
  {
    name: 'secret key: Windows line ending',
    parse: parseSecretKey,
    text: `${sk1}\r\n`,
    message: 'secret key "test.example.org-1" (key): invalid character "\\r" at position 88 in base64 string',
  },
  {
    name: 'secret key: URL-safe base64',
    parse: parseSecretKey,
    text: sk1.replace('/', '_'),
    message: `secret key "test.example.org-1" (key): invalid character "_" at position ${SK_DATA.indexOf('/')} in base64 string`,
  },
  {
    name: 'secret key: a public key given instead',
    parse: parseSecretKey,
    text: pk1,
    message: 'secret key "test.example.org-1" (key): key is 32 bytes, expected 64 (this looks like a public key)',
  },
  {
    name: 'secret key: public half of another key',
    parse: parseSecretKey,
    text: `k:${encodeBase64(new Uint8Array(64).fill(1))}`,
    message: 'secret key "k" (key): the public half does not match the seed (corrupt key)',
  },
  {
    name: 'secret key: name with a space',
    parse: parseSecretKey,
    text: `my key:${SK_DATA}`,
    message: 'secret key (name): key name "my key" contains whitespace or a control character',
    field: 'name',
  },
  { name: 'public key: no colon', parse: parsePublicKey, text: PK_DATA, message: "public key: expected 'name:base64', found no ':'" },
  {
    name: 'public key: a secret key given instead',
    parse: parsePublicKey,
    text: sk1,
    message: 'public key "test.example.org-1" (key): key is 64 bytes, expected 32 (this looks like a secret key!)',
  },
  {
    name: 'public key: one byte short',
    parse: parsePublicKey,
    text: `k:${encodeBase64(new Uint8Array(31))}`,
    message: 'public key "k" (key): key is 31 bytes, expected 32',
  },
  {
    name: 'public key: padding missing',
    parse: parsePublicKey,
    text: pk1.slice(0, -1),
    message: 'public key "test.example.org-1" (key): bad base64 padding: length 43 is not a multiple of 4',
  },
  {
    name: 'public key: non-canonical last character',
    parse: parsePublicKey,
    text: `${pk1.slice(0, -2)}V=`,
    message: 'public key "test.example.org-1" (key): non-canonical base64: unused bits of the last character are not zero',
  },
  {
    name: 'public key: not a curve point',
    parse: parsePublicKey,
    text: `k:${encodeBase64(Uint8Array.of(2, ...new Uint8Array(31)))}`,
    message: 'public key "k" (key): not a valid Ed25519 public key',
  },
  {
    name: 'signature: no key name',
    parse: parseSignature,
    text: 'AAAA',
    message: `signature "AAAA" is not of the form 'keyname:base64'`,
  },
  {
    name: 'signature: truncated',
    parse: parseSignature,
    text: `k:${encodeBase64(new Uint8Array(64)).slice(0, -4)}`,
    message: 'signature by "k" is 63 bytes, expected 64',
  },
  {
    name: 'signature: bad padding',
    parse: parseSignature,
    text: `k:${encodeBase64(new Uint8Array(64)).slice(0, -1)}`,
    message: 'signature by "k": bad base64 padding: length 87 is not a multiple of 4',
  },
];

describe('corpus: malformed keys and signatures', () => {
  it.each(keyCases)('$name', ({ parse, text, message, field }) => {
    const e = catchFormatError(() => parse(text));
    expect(e.message).toBe(message);
    if (field !== undefined) expect(e.field).toBe(field);
  });
});
