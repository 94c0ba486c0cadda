import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { FormatError } from './errors';
import { catchFormatError } from './testdata/catch';
import { decodeNix32, encodeNix32, isNix32Char, NIX32_ALPHABET, nix32Length } from './nix32';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const utf8 = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

// Printed by `nix-hash --type <algo> --to-base32 <hex>` (Nix 2.8) for the digests of these strings.
const vectors: Array<{ input: string; algo: string; hex: string; nix32: string }> = [
  {
    input: '',
    algo: 'sha256',
    hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    nix32: '0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73',
  },
  {
    input: 'abc',
    algo: 'sha256',
    hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    nix32: '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s',
  },
  {
    input: 'hello world',
    algo: 'sha256',
    hex: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    nix32: '1sfdxziarxw8j3p80lvswgpq9i7smdyxmmsj5sjhhgjdjfwjfkdr',
  },
  {
    input: 'The quick brown fox jumps over the lazy dog',
    algo: 'sha256',
    hex: 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592',
    nix32: '14p5r4vvzl025mvdng3dwi8md3ag5q4b1g4sr9lr906p0yrzpa6p',
  },
  { input: 'abc', algo: 'sha1', hex: 'a9993e364706816aba3e25717850c26c9cd0d89d', nix32: 'kpcd173cq987hw957sx6m0868wv3x6d9' },
  { input: 'abc', algo: 'md5', hex: '900150983cd24fb0d6963f7d28e17f72', nix32: '3jgzhjhz9zjvbb0kyj7jc500ch' },
  {
    input: 'abc',
    algo: 'sha512',
    hex:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    nix32:
      '2gs8k559z4rlahfx0y688s49m2vvszylcikrfinm30ly9rak69236nkam5ydvly1ai7xac99vxfc4ii84hawjbk876blyk1jfhkbbyx',
  },
];

describe('nix32', () => {
  it('has the alphabet without e, o, u, t', () => {
    expect(NIX32_ALPHABET).toHaveLength(32);
    for (const c of 'eout') expect(NIX32_ALPHABET).not.toContain(c);
    expect(isNix32Char('a')).toBe(true);
    expect(isNix32Char('e')).toBe(false);
    expect(isNix32Char('A')).toBe(false);
    expect(isNix32Char('')).toBe(false);
    expect(isNix32Char('ab')).toBe(false);
  });

  it('computes lengths: 52 for sha256, 32 for a store path digest', () => {
    expect(nix32Length(32)).toBe(52);
    expect(nix32Length(20)).toBe(32);
    expect(nix32Length(16)).toBe(26);
    expect(nix32Length(64)).toBe(103);
    expect(nix32Length(0)).toBe(0);
    expect(nix32Length(1)).toBe(2);
  });

  it.each(vectors)('matches nix-hash for $algo("$input")', ({ hex: h, nix32 }) => {
    expect(encodeNix32(hex(h))).toBe(nix32);
    expect(decodeNix32(nix32)).toEqual(hex(h));
  });

  it('matches nix-hash for a sha256 computed here', () => {
    expect(encodeNix32(sha256(utf8('abc')))).toBe('1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s');
  });

  it('puts the last byte first', () => {
    // One byte 0x1f: bits 0-4 are the last character, bits 5-7 the first.
    expect(encodeNix32(Uint8Array.of(0x1f))).toBe('0z');
    expect(encodeNix32(Uint8Array.of(0xe0))).toBe('70');
    expect(encodeNix32(new Uint8Array(0))).toBe('');
  });

  it('rejects characters outside the alphabet, naming the position', () => {
    const bad = '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5e';
    const e = catchFormatError(() => decodeNix32(bad));
    expect(e.message).toBe('invalid character "e" at position 51 in nix32 string');
    expect(e.offset).toBe(51);
    expect(() => decodeNix32('1B8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s')).toThrow(/"B" at position 1/);
    expect(() => decodeNix32('1é8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s')).toThrow(/"é" at position 1/);
  });

  it('rejects lengths that are not the encoding of any byte count', () => {
    expect(() => decodeNix32('abc')).toThrow('nix32 string has invalid length 3');
    expect(() => decodeNix32('1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5', 32)).toThrow(
      'nix32 string has length 51, expected 52 for 32 bytes',
    );
  });

  it('rejects non-zero bits beyond the last byte, like Nix', () => {
    // 52 characters carry 260 bits; the first character may only be 0 or 1.
    const good = '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s';
    expect(() => decodeNix32(`2${good.slice(1)}`)).toThrow(
      'nix32 string is not canonical: character "2" at position 0 sets bits beyond the last byte',
    );
    expect(() => decodeNix32(`z${good.slice(1)}`)).toThrow(FormatError);
    expect(() => decodeNix32('z0')).toThrow(/not canonical/); // 1 byte: 10 bits, 2 spare
    expect(decodeNix32('70')).toEqual(Uint8Array.of(0xe0));
  });

  it('round-trips any bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const s = encodeNix32(bytes);
        expect(s).toHaveLength(nix32Length(bytes.length));
        expect(decodeNix32(s)).toEqual(bytes);
        expect(decodeNix32(s, bytes.length)).toEqual(bytes);
      }),
    );
  });

  it('decodes random strings to bytes that re-encode identically, or throws FormatError (fuzz)', () => {
    const alphabetish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz-_ '), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(alphabetish, fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
        let bytes: Uint8Array;
        try {
          bytes = decodeNix32(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
          return;
        }
        expect(encodeNix32(bytes)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
