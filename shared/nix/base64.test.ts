import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Length, decodeBase64, encodeBase64 } from './base64';
import { FormatError } from './errors';

describe('base64', () => {
  it('encodes like btoa (RFC 4648 with padding)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const s = encodeBase64(bytes);
        expect(s).toBe(btoa(String.fromCharCode(...bytes)));
        expect(s).toHaveLength(base64Length(bytes.length));
        expect(decodeBase64(s)).toEqual(bytes);
      }),
    );
  });

  it('has the known vectors', () => {
    expect(encodeBase64(new Uint8Array())).toBe('');
    expect(encodeBase64(new TextEncoder().encode('f'))).toBe('Zg==');
    expect(encodeBase64(new TextEncoder().encode('fo'))).toBe('Zm8=');
    expect(encodeBase64(new TextEncoder().encode('foo'))).toBe('Zm9v');
    expect(encodeBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    expect(decodeBase64('Zm9vYg==')).toEqual(new TextEncoder().encode('foob'));
  });

  it('rejects missing or extra padding', () => {
    expect(() => decodeBase64('Zg')).toThrow('bad base64 padding: length 2 is not a multiple of 4');
    expect(() => decodeBase64('Zg=')).toThrow('bad base64 padding: length 3 is not a multiple of 4');
    expect(() => decodeBase64('Zg===')).toThrow("misplaced '=' at position 2 in base64 string");
    expect(() => decodeBase64('Z=g=')).toThrow("misplaced '=' at position 1 in base64 string");
    expect(() => decodeBase64('====')).toThrow("misplaced '=' at position 0");
    expect(() => decodeBase64('Zm9v=')).toThrow('bad base64 padding: length 5');
  });

  it('rejects characters outside the standard alphabet (URL-safe, whitespace, newlines)', () => {
    expect(() => decodeBase64('Zm-v')).toThrow('invalid character "-" at position 2 in base64 string');
    expect(() => decodeBase64('Zm_v')).toThrow('invalid character "_" at position 2');
    expect(() => decodeBase64('Zm9v\n')).toThrow('invalid character "\\n" at position 4');
    expect(() => decodeBase64(' Zm9v')).toThrow('invalid character " " at position 0');
    expect(() => decodeBase64('Zm9é')).toThrow('invalid character "é" at position 3');
  });

  it('rejects non-canonical encodings (unused bits set)', () => {
    expect(() => decodeBase64('Zh==')).toThrow('non-canonical base64: unused bits of the last character are not zero');
    expect(() => decodeBase64('Zm9=')).toThrow(/non-canonical/);
    expect(decodeBase64('Zg==')).toEqual(Uint8Array.of(0x66));
  });

  it('either decodes canonically or throws FormatError (fuzz)', () => {
    const b64ish = fc.string({
      unit: fc.constantFrom(...'ABCZabz019+/=-_ \n'),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.oneof(b64ish, fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        try {
          const bytes = decodeBase64(s);
          expect(encodeBase64(bytes)).toBe(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
