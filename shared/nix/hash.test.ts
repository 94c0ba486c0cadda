import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import {
  formatHash,
  HASH_ALGOS,
  hashEquals,
  hashSize,
  hashToHex,
  hashToNix32,
  hashToSri,
  isHashAlgo,
  parseHash,
  parseHashBody,
  sha256Hash,
  type HashAlgo,
} from './hash';
import { catchFormatError } from './testdata/catch';

// sha256("abc") in every encoding (`nix hash to-sri`, `to-base64`, `nix-hash --to-base32`, Nix 2.8).
const HEX = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const NIX32 = '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s';
const B64 = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';
const abc = sha256Hash(new TextEncoder().encode('abc'));

describe('hash', () => {
  it('knows the sizes', () => {
    expect(HASH_ALGOS.map(hashSize)).toEqual([16, 20, 32, 64]);
    expect(isHashAlgo('sha256')).toBe(true);
    expect(isHashAlgo('toString')).toBe(false);
    expect(isHashAlgo('SHA256')).toBe(false);
  });

  it('parses sha256 in every encoding Nix accepts, told apart by length', () => {
    for (const text of [`sha256:${NIX32}`, `sha256:${HEX}`, `sha256:${HEX.toUpperCase()}`, `sha256:${B64}`, `sha256-${B64}`]) {
      const h = parseHash(text);
      expect(h.algo).toBe('sha256');
      expect(hashEquals(h, abc)).toBe(true);
    }
    expect(parseHash(`sha256:${NIX32}`, 'sha256').bytes).toEqual(abc.bytes);
  });

  it('renders as nix32, SRI, hex and base64', () => {
    expect(hashToNix32(abc)).toBe(`sha256:${NIX32}`);
    expect(hashToSri(abc)).toBe(`sha256-${B64}`);
    expect(hashToHex(abc)).toBe(HEX);
    expect(formatHash(abc)).toBe(`sha256:${NIX32}`);
    expect(formatHash(abc, 'base16')).toBe(`sha256:${HEX}`);
    expect(formatHash(abc, 'base64')).toBe(`sha256:${B64}`);
    expect(formatHash(abc, 'nix32', { prefix: false })).toBe(NIX32);
    expect(formatHash(abc, 'sri', { prefix: false })).toBe(`sha256-${B64}`);
  });

  it('parses the other algorithms by their lengths', () => {
    expect(hashToHex(parseHash('sha1:kpcd173cq987hw957sx6m0868wv3x6d9'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hashToHex(parseHash('md5:3jgzhjhz9zjvbb0kyj7jc500ch'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(parseHashBody('900150983cd24fb0d6963f7d28e17f72', 'md5').algo).toBe('md5');
  });

  it('rejects another algorithm when one is expected', () => {
    expect(() => parseHash('sha1:kpcd173cq987hw957sx6m0868wv3x6d9', 'sha256')).toThrow('expected a sha256 hash, got sha1');
  });

  it('explains what is wrong', () => {
    expect(() => parseHash(NIX32)).toThrow(
      `hash "${NIX32}" does not start with an algorithm ('sha256:' or 'sha256-')`,
    );
    expect(() => parseHash(`sha257:${NIX32}`)).toThrow('unknown hash algorithm "sha257"');
    expect(() => parseHash(`SHA256:${NIX32}`)).toThrow('unknown hash algorithm "SHA256"');
    expect(() => parseHash(`sha256:${NIX32.slice(1)}`)).toThrow(
      'sha256 hash "b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s" has wrong length 51 (expected 52 nix32, 64 base-16 or 44 base64 characters)',
    );
    expect(() => parseHash('sha256:')).toThrow('sha256 hash "" has wrong length 0');
    expect(() => parseHash(`sha256:${HEX.slice(0, 63)}g`)).toThrow('invalid character "g" at position 63 in base-16 hash');
    expect(() => parseHash(`sha256-${B64.slice(0, -1)}`)).toThrow('bad base64 padding');
    expect(() => parseHash('sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFQ==')).toThrow('SRI hash decodes to 31 bytes, expected 32');
    expect(() => parseHash(`sha256:${B64.replace('+', '-')}`)).toThrow('invalid character "-" at position 9 in base64 string');
    expect(() => parseHash(`sha256-${NIX32}`)).toThrow("SRI hash decodes to 39 bytes, expected 32");
  });

  it('puts offsets relative to the whole text', () => {
    const e = catchFormatError(() => parseHash(`sha256:${NIX32.slice(0, 10)}e${NIX32.slice(11)}`));
    expect(e.offset).toBe(7 + 10);
    expect(e.message).toBe('invalid character "e" at position 10 in nix32 string');
  });

  it('round-trips every algorithm and format (fuzz)', () => {
    const hashArb = fc
      .constantFrom<HashAlgo>(...HASH_ALGOS)
      .chain((algo) => fc.uint8Array({ minLength: hashSize(algo), maxLength: hashSize(algo) }).map((bytes) => ({ algo, bytes })));
    fc.assert(
      fc.property(hashArb, fc.constantFrom('nix32', 'base16', 'base64', 'sri') as fc.Arbitrary<'nix32'>, (h, format) => {
        const parsed = parseHash(formatHash(h, format));
        expect(hashEquals(parsed, h)).toBe(true);
      }),
    );
  });

  it('throws only FormatError on junk (fuzz)', () => {
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.tuple(fc.constantFrom('sha256:', 'sha256-', 'md5:', 'sha1-', 'sha512:', 'x:'), fc.string({ maxLength: 110 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(junk, (s) => {
        try {
          parseHash(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
