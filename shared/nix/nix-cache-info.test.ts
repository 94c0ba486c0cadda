import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import { parseNixCacheInfo, serialiseNixCacheInfo, type NixCacheInfo } from './nix-cache-info';

describe('nix-cache-info', () => {
  it('reads what Nix writes and what cache.nixos.org serves', () => {
    expect(parseNixCacheInfo('StoreDir: /nix/store\n')).toEqual({ storeDir: '/nix/store', unknown: [] });
    expect(parseNixCacheInfo('StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n')).toEqual({
      storeDir: '/nix/store',
      wantMassQuery: true,
      priority: 40,
      unknown: [],
    });
  });

  it('follows Nix: lines without ":" ignored, values trimmed, keys not, unknown kept, later wins', () => {
    const info = parseNixCacheInfo('garbage\n\n  StoreDir:\t/nix/store \r\nStoreDir:/nix/store\r\nWantMassQuery: 0\nPriority: 10\nPriority: -5\nFoo: a: b \n');
    expect(info).toEqual({
      storeDir: '/nix/store',
      wantMassQuery: false,
      priority: -5,
      unknown: [
        { key: '  StoreDir', value: '/nix/store', line: 3 },
        { key: 'Foo', value: 'a: b', line: 8 },
      ],
    });
    expect(parseNixCacheInfo('WantMassQuery: yes').wantMassQuery).toBe(false);
    expect(parseNixCacheInfo('StoreDir: /nix/store')).toEqual({ storeDir: '/nix/store', unknown: [] });
    expect(parseNixCacheInfo('')).toEqual({ unknown: [] });
  });

  it('rejects a non-integer Priority and conflicting StoreDirs', () => {
    expect(() => parseNixCacheInfo('StoreDir: /nix/store\nPriority: high\n')).toThrow('nix-cache-info line 2 (Priority): "high" is not an integer');
    expect(() => parseNixCacheInfo('Priority: 1.5')).toThrow('"1.5" is not an integer');
    expect(() => parseNixCacheInfo('Priority: 99999999999')).toThrow('"99999999999" is not an integer');
    expect(() => parseNixCacheInfo('StoreDir: /nix/store\nStoreDir: /gnu/store\n', { source: 'bucket/nix-cache-info' })).toThrow(
      'bucket/nix-cache-info line 2 (StoreDir): "/gnu/store" conflicts with "/nix/store" on line 1',
    );
  });

  it('writes StoreDir, WantMassQuery, Priority, then unknown fields', () => {
    expect(serialiseNixCacheInfo({ storeDir: '/nix/store', unknown: [] })).toBe('StoreDir: /nix/store\n');
    expect(serialiseNixCacheInfo({ storeDir: '/nix/store', wantMassQuery: true, priority: 40 })).toBe(
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n',
    );
    expect(serialiseNixCacheInfo({ storeDir: '/nix/store', wantMassQuery: false, unknown: [{ key: 'X', value: 'y' }] })).toBe(
      'StoreDir: /nix/store\nWantMassQuery: 0\nX: y\n',
    );
    expect(() => serialiseNixCacheInfo({ storeDir: '/nix/store\nPriority: 1' })).toThrow('nix-cache-info (StoreDir): value contains a newline');
    expect(() => serialiseNixCacheInfo({ priority: 1.5 })).toThrow('(Priority): 1.5 is not an integer');
    expect(() => serialiseNixCacheInfo({ unknown: [{ key: 'Priority', value: '1' }] })).toThrow('cannot be written as an unknown field');
  });

  it('round-trips and never throws anything but FormatError (fuzz)', () => {
    const value = fc.string({ maxLength: 20 }).map((s) => s.replace(/\n/g, '').replace(/^[ \t\r]+|[ \t\r]+$/g, ''));
    const infoArb: fc.Arbitrary<NixCacheInfo> = fc.record(
      {
        storeDir: value,
        wantMassQuery: fc.boolean(),
        priority: fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }),
        unknown: fc.array(
          fc.record({
            key: fc.string({ maxLength: 10 }).filter((k) => !/[:\n]/.test(k) && !['StoreDir', 'WantMassQuery', 'Priority'].includes(k)),
            value,
          }),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['unknown'] },
    );
    fc.assert(
      fc.property(infoArb, (info) => {
        const text = serialiseNixCacheInfo(info);
        const parsed = parseNixCacheInfo(text);
        expect(serialiseNixCacheInfo(parsed)).toBe(text);
        expect(parsed.storeDir).toBe(info.storeDir);
        expect(parsed.priority).toBe(info.priority);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        try {
          parseNixCacheInfo(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
