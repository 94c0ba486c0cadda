import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, sortedUnique, utf8Decode, utf8Encode } from './text';

describe('text', () => {
  it('encodes and decodes UTF-8', () => {
    expect(utf8Encode('aé😀')).toEqual(Uint8Array.of(0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80));
    expect(utf8Decode(Uint8Array.of(0x61, 0xc3, 0xa9))).toBe('aé');
    expect(() => utf8Decode(Uint8Array.of(0xff))).toThrow(TypeError);
    expect(utf8Decode(Uint8Array.of(0xff), false)).toBe('\ufffd');
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\ufeffa');
  });

  it('orders like the UTF-8 bytes (std::string order)', () => {
    // U+FF5E sorts before U+1F600 in UTF-8 but after it in UTF-16 code units.
    expect(compareCodePoints('\uff5e', '😀')).toBeLessThan(0);
    expect('\uff5e' < '😀').toBe(false);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'ab')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
    expect(sortedUnique(['b', 'a', 'b', 'A'])).toEqual(['A', 'a', 'b']);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const ba = utf8Encode(a);
        const bb = utf8Encode(b);
        let byteOrder = 0;
        for (let i = 0; i < Math.min(ba.length, bb.length) && byteOrder === 0; i++) byteOrder = ba[i]! - bb[i]!;
        if (byteOrder === 0) byteOrder = ba.length - bb.length;
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byteOrder));
      }),
    );
  });
});
