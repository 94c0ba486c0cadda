import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type NarListing,
  NarListingError,
  compareNarNames,
  decodeNarListing,
  decodeNarText,
  emptyEntries,
  encodeNarListing,
  encodeNarText,
  invalidNarName,
  lookupNarListing,
  parseNarListing,
  serialiseNarListing,
  sortedEntries,
  validateNarListing,
} from './nar-listing';

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('lossless UTF-8', () => {
  it('decodes valid UTF-8 like TextDecoder', () => {
    const s = 'plain é ﬁ 😀 \u0000 \u007f \uffff';
    expect(decodeNarText(utf8(s))).toBe(s);
    expect(encodeNarText(s)).toEqual(utf8(s));
  });

  it('maps every invalid byte to a lone surrogate and back', () => {
    const raw = bytes(0x62, 0x61, 0x64, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xf4, 0x90, 0x80, 0x80);
    const text = decodeNarText(raw);
    expect(text).toBe('bad\udcff\udcfe\udcc3(\udced\udca0\udc80\udcc0\udcaf\udcf4\udc90\udc80\udc80');
    expect(encodeNarText(text)).toEqual(raw);
  });

  it('round-trips arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        expect(encodeNarText(decodeNarText(raw))).toEqual(raw);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes well-formed strings as standard UTF-8 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 32 }), (s) => {
        expect(encodeNarText(s)).toEqual(utf8(s));
        expect(decodeNarText(utf8(s))).toBe(s);
      }),
    );
  });

  it('decodes long inputs (no argument-count blowup)', () => {
    const raw = new Uint8Array(200_000).fill(0x61);
    expect(decodeNarText(raw).length).toBe(200_000);
  });

  it('turns lone surrogates that stand for no byte into U+FFFD', () => {
    expect(encodeNarText('\ud800x\udc00')).toEqual(bytes(0xef, 0xbf, 0xbd, 0x78, 0xef, 0xbf, 0xbd));
  });
});

describe('compareNarNames', () => {
  it('orders by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FB01 (ﬁ) sorts after U+1F600 in UTF-16 (0xFB01 > 0xD83D) but before it in UTF-8 (EF < F0).
    expect('\uFB01' > '\u{1F600}').toBe(true);
    expect(compareNarNames('\uFB01', '\u{1F600}')).toBeLessThan(0);
    expect(compareNarNames('B', 'a')).toBeLessThan(0);
    expect(compareNarNames('a', 'a')).toBe(0);
    expect(compareNarNames('\udcff', 'é')).toBeGreaterThan(0); // byte 0xFF vs 0xC3 0xA9
  });

  it('agrees with byte comparison of the encodings (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(Math.sign(compareNarNames(decodeNarText(a), decodeNarText(b)))).toBe(Math.sign(compareBytes(a, b)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('invalidNarName', () => {
  it('applies Nix rules', () => {
    expect(invalidNarName('ok')).toBeNull();
    expect(invalidNarName('...')).toBeNull();
    expect(invalidNarName('')).toBe('empty name');
    expect(invalidNarName('.')).toBe('name "." is not allowed');
    expect(invalidNarName('..')).toBe('name ".." is not allowed');
    expect(invalidNarName('a/b')).toBe('name contains "/"');
    expect(invalidNarName('a\0b')).toBe('name contains a NUL byte');
  });
});

function dir(entries: Record<string, NarListing['root']>): NarListing['root'] {
  const e = emptyEntries();
  for (const [k, v] of Object.entries(entries)) e[k] = v;
  return { type: 'directory', entries: e };
}

describe('serialiseNarListing', () => {
  it('writes Nix 2.8 key order and omissions', () => {
    const listing: NarListing = {
      version: 1,
      root: dir({
        x: { type: 'regular', size: 10, executable: true, narOffset: 1912 },
        e: { type: 'regular', size: 0, executable: false, narOffset: 2320 },
        l: { type: 'symlink', target: '../a' },
        d: dir({}),
        old: { type: 'regular', size: 3 },
      }),
    };
    expect(serialiseNarListing(listing)).toBe(
      '{"version":1,"root":{"type":"directory","entries":{' +
        '"d":{"type":"directory","entries":{}},' +
        '"e":{"type":"regular","size":0,"narOffset":2320},' +
        '"l":{"type":"symlink","target":"../a"},' +
        '"old":{"type":"regular","size":3},' +
        '"x":{"type":"regular","size":10,"executable":true,"narOffset":1912}}}}',
    );
  });

  it('sorts entries byte-wise even for integer-like keys that JS objects reorder', () => {
    const root = dir({ '9': { type: 'symlink', target: 'a' }, '10': { type: 'symlink', target: 'b' }, B: dir({}), a: dir({}) });
    expect(Object.keys((root as { entries: object }).entries)).toEqual(['9', '10', 'B', 'a']);
    expect(serialiseNarListing({ version: 1, root })).toBe(
      '{"version":1,"root":{"type":"directory","entries":{"10":{"type":"symlink","target":"b"},' +
        '"9":{"type":"symlink","target":"a"},"B":{"type":"directory","entries":{}},"a":{"type":"directory","entries":{}}}}}',
    );
  });

  it('escapes strings the way Nix 2.8 json.cc does, raw bytes for invalid UTF-8', () => {
    // The exact .ls bytes `nix copy --to file://...?write-nar-listing=true` wrote for these names.
    const name = 'tab\tq"\\\u0001\u0008\u000c\u007fé';
    const listing: NarListing = {
      version: 1,
      root: dir({ [name]: { type: 'regular', size: 1, narOffset: 2512 }, 'bad\udcff\udcfe': { type: 'symlink', target: '\r\n' } }),
    };
    const text = serialiseNarListing(listing);
    expect(text).toBe(
      '{"version":1,"root":{"type":"directory","entries":{"bad\udcff\udcfe":{"type":"symlink","target":"\\r\\n"},' +
        '"tab\\tq\\"\\\\\\u0001\\u0008\\u000c\u007fé":{"type":"regular","size":1,"narOffset":2512}}}}',
    );
    const raw = encodeNarListing(listing);
    const at = text.indexOf('bad');
    expect([...raw.subarray(at, at + 5)]).toEqual([0x62, 0x61, 0x64, 0xff, 0xfe]);
    expect(decodeNarListing(raw)).toEqual(validateNarListing(listing));
  });

  it('round-trips through parse (property)', () => {
    const name = fc
      .uint8Array({ minLength: 1, maxLength: 6 })
      .map(decodeNarText)
      .filter((n) => invalidNarName(n) === null);
    const leaf = fc.oneof(
      fc.record({
        type: fc.constant('regular' as const),
        size: fc.nat(),
        executable: fc.option(fc.constant(true), { nil: undefined }),
        narOffset: fc.option(fc.integer({ min: 1 }), { nil: undefined }),
      }),
      fc.record({ type: fc.constant('symlink' as const), target: fc.uint8Array({ maxLength: 8 }).map(decodeNarText) }),
    );
    const tree = fc.letrec<{ node: NarListing['root'] }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.dictionary(name, tie('node'), { maxKeys: 4 }).map((d) => dir(d)),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (root) => {
        const clean = validateNarListing({ version: 1, root });
        const bytesOut = encodeNarListing(clean);
        const again = decodeNarListing(bytesOut);
        expect(again).toEqual(clean);
        expect(encodeNarListing(again)).toEqual(bytesOut);
      }),
    );
  });
});

describe('parseNarListing / validateNarListing', () => {
  it('accepts newer Nix output (keys sorted, optional fields)', () => {
    const text =
      '{"root":{"entries":{"a":{"executable":true,"narOffset":400,"size":5,"type":"regular"},' +
      '"b":{"size":0,"type":"regular"},"c":{"target":"a","type":"symlink"}},"type":"directory"},"version":1}';
    const l = parseNarListing(text);
    expect(lookupNarListing(l, '/a')).toEqual({ type: 'regular', size: 5, executable: true, narOffset: 400 });
    expect(lookupNarListing(l, 'b')).toEqual({ type: 'regular', size: 0 });
    expect(lookupNarListing(l, '/')).toBe(l.root);
    expect(lookupNarListing(l, '/a/x')).toBeUndefined();
    expect(lookupNarListing(l, '/zz')).toBeUndefined();
  });

  it('normalises executable:false and narOffset:0 away and drops unknown fields', () => {
    const l = parseNarListing('{"version":1,"extra":2,"root":{"type":"regular","size":1,"executable":false,"narOffset":0,"x":1}}');
    expect(l).toEqual({ version: 1, root: { type: 'regular', size: 1 } });
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const l = parseNarListing(
      '{"version":1,"root":{"type":"directory","entries":{"__proto__":{"type":"symlink","target":"x"},"constructor":{"type":"regular","size":0}}}}',
    );
    expect(lookupNarListing(l, '__proto__')).toEqual({ type: 'symlink', target: 'x' });
    expect(lookupNarListing(l, 'toString')).toBeUndefined();
    expect(serialiseNarListing(l)).toContain('"__proto__":{"type":"symlink","target":"x"}');
    expect(sortedEntries(l.root as never).map(([n]) => n)).toEqual(['__proto__', 'constructor']);
  });

  const bad: Array<[string, string]> = [
    ['nope', 'listing is not valid JSON: '],
    ['[]', 'expected a listing object, got an array'],
    ['{"version":2,"root":{}}', 'unsupported listing version number 2 (expected 1)'],
    ['{"version":1}', 'listing has no "root"'],
    ['{"version":1,"root":{"type":"fifo"}}', 'at /: unknown node type the string "fifo"'],
    ['{"version":1,"root":{"type":"regular","size":-1}}', 'at /: "size" must be a non-negative integer, got number -1'],
    ['{"version":1,"root":{"type":"regular","size":1.5}}', 'at /: "size" must be a non-negative integer, got number 1.5'],
    ['{"version":1,"root":{"type":"regular","size":1,"executable":1}}', 'at /: "executable" must be a boolean, got number 1'],
    ['{"version":1,"root":{"type":"regular","size":1,"narOffset":"9"}}', 'at /: "narOffset" must be a non-negative integer, got the string "9"'],
    ['{"version":1,"root":{"type":"symlink"}}', 'at /: "target" must be a string, got nothing (missing)'],
    ['{"version":1,"root":{"type":"directory"}}', 'at /: "entries" must be an object, got nothing (missing)'],
    ['{"version":1,"root":{"type":"directory","entries":{"a":null}}}', 'at /a: expected a node object, got null'],
    ['{"version":1,"root":{"type":"directory","entries":{"..":{"type":"regular","size":0}}}}', 'at /: invalid entry name "..": name ".." is not allowed'],
    ['{"version":1,"root":{"type":"directory","entries":{"a/b":{"type":"regular","size":0}}}}', 'at /: invalid entry name "a/b": name contains "/"'],
    ['{"version":1,"root":{"type":"directory","entries":{"":{"type":"regular","size":0}}}}', 'at /: invalid entry name "": empty name'],
  ];
  it.each(bad)('rejects %s', (text, message) => {
    expect(() => parseNarListing(text)).toThrow(NarListingError);
    expect(() => parseNarListing(text)).toThrow(message);
  });

  it('limits nesting to 64 levels', () => {
    const nest = (n: number): string =>
      n === 0 ? '{"type":"regular","size":0}' : `{"type":"directory","entries":{"d":${nest(n - 1)}}}`;
    expect(() => parseNarListing(`{"version":1,"root":${nest(64)}}`)).not.toThrow();
    expect(() => parseNarListing(`{"version":1,"root":${nest(65)}}`)).toThrow(
      `at ${'/d'.repeat(65)}: nested deeper than 64 levels`,
    );
  });
});
