import { describe, expect, it } from 'vitest';
import { FormatError, locate, quote } from './errors';

describe('FormatError', () => {
  it('prefixes the message with where', () => {
    const e = new FormatError('bad hash', { source: 'narinfo', line: 3, field: 'NarHash', offset: 40 });
    expect(e.message).toBe('narinfo line 3 (NarHash): bad hash');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('FormatError');
    expect(e.detail).toBe('bad hash');
    expect([e.source, e.line, e.field, e.offset]).toEqual(['narinfo', 3, 'NarHash', 40]);
    expect(e.where).toEqual({ source: 'narinfo', line: 3, field: 'NarHash', offset: 40 });
    expect(new FormatError('x').message).toBe('x');
    expect(new FormatError('x', { field: 'key' }).message).toBe('(key): x');
    expect(new FormatError('x', { source: 'public key' }).message).toBe('public key: x');
    expect(new FormatError('x', { offset: 3 }).message).toBe('x');
  });

  it('is re-located by enclosing parsers', () => {
    const inner = new FormatError('bad', { offset: 2 });
    const outer = inner.at({ source: 's', line: 1 });
    expect(outer.message).toBe('s line 1: bad');
    expect(outer.offset).toBe(2);
    expect(() =>
      locate({ source: 'narinfo', field: 'F' }, () => {
        throw inner;
      }),
    ).toThrow('narinfo (F): bad');
    expect(() =>
      locate({}, () => {
        throw new TypeError('other');
      }),
    ).toThrow(TypeError);
    expect(locate({}, () => 5)).toBe(5);
  });

  it('quotes values safely', () => {
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
    expect(quote('x'.repeat(100))).toBe(`"${'x'.repeat(79)}…"`);
  });
});
