import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import {
  basenameOf,
  checkStoreDir,
  checkStorePathName,
  isStoreBasename,
  isStorePath,
  parseStoreBasename,
  parseStorePath,
  storeDirOf,
} from './store-path';

const H = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';

describe('store paths', () => {
  it('parses a store path', () => {
    expect(parseStorePath(`/nix/store/${H}-narwhal-top`)).toEqual({
      storeDir: '/nix/store',
      hash: H,
      name: 'narwhal-top',
      basename: `${H}-narwhal-top`,
      path: `/nix/store/${H}-narwhal-top`,
    });
    expect(parseStorePath(`/tmp/s/${H}-x`, '/tmp/s').name).toBe('x');
    expect(parseStoreBasename(`${H}-a-b-c.drv`)).toEqual({ hash: H, name: 'a-b-c.drv', basename: `${H}-a-b-c.drv` });
  });

  it('accepts every name character Nix accepts', () => {
    expect(parseStoreBasename(`${H}-AZaz09+-._?=`).name).toBe('AZaz09+-._?=');
    expect(parseStoreBasename(`${H}-a.`).name).toBe('a.');
    expect(parseStoreBasename(`${H}--`).name).toBe('-');
    expect(parseStoreBasename(`${H}-${'x'.repeat(211)}`).name).toHaveLength(211);
  });

  it('names the problem', () => {
    expect(() => parseStorePath(`/nix/store/${H}-a b`)).toThrow(`store path name "a b" contains illegal character " "`);
    expect(() => parseStorePath(`/nix/store/${H}-`)).toThrow('store path name is empty');
    expect(() => parseStorePath(`/nix/store/${H}`)).toThrow(`"${H}" is too short to be a store path basename`);
    expect(() => parseStorePath(`/nix/store/${H}-.hidden`)).toThrow(`store path name ".hidden" starts with '.'`);
    expect(() => parseStorePath(`/nix/store/${H}-${'x'.repeat(212)}`)).toThrow(
      'store path name is 212 characters long, more than 211',
    );
    expect(() => parseStorePath(`/nix/store/${H.replace('a', 'e')}-x`)).toThrow(
      `store path "${H.replace('a', 'e')}-x" has illegal character "e" in its hash part`,
    );
    expect(() => parseStorePath(`/nix/store/${H.toUpperCase()}-x`)).toThrow(/illegal character "A" in its hash part/);
    expect(() => parseStorePath(`/nix/store/${H}_x`)).toThrow(`lacks a '-' after its 32-character hash part`);
    expect(() => parseStorePath(`/nix/store/${H}-x/bin/sh`)).toThrow('is not a store path but a path inside one');
    expect(() => parseStorePath(`/nix/store/${H}-x/`)).toThrow('is not a store path but a path inside one');
    expect(() => parseStorePath(`/nix/store//${H}-x`)).toThrow(/not a store path|illegal/);
    expect(() => parseStorePath(`/gnu/store/${H}-x`)).toThrow(
      `path "/gnu/store/${H}-x" is not in the store directory "/nix/store"`,
    );
    expect(() => parseStorePath(`${H}-x`)).toThrow('is not in the store directory');
    expect(() => parseStorePath(`/nix/store/${H}-x`, 'nix/store')).toThrow('is not an absolute path');
    expect(() => parseStorePath(`/nix/store/${H}-x`, '/nix/store/')).toThrow('is not an absolute path without trailing');
    expect(() => checkStoreDir('/nix/../store')).toThrow('is not a canonical path');
    expect(() => checkStorePathName('a\u00e9')).toThrow('illegal character "é"');
  });

  it('has boolean forms', () => {
    expect(isStorePath(`/nix/store/${H}-x`)).toBe(true);
    expect(isStorePath(`/nix/store/${H}-x`, '/other')).toBe(false);
    expect(isStorePath('/nix/store')).toBe(false);
    expect(isStoreBasename(`${H}-x`)).toBe(true);
    expect(isStoreBasename('x')).toBe(false);
    expect(storeDirOf(`/nix/store/${H}-x`)).toBe('/nix/store');
    expect(basenameOf(`/nix/store/${H}-x`)).toBe(`${H}-x`);
  });

  it('accepts exactly the names matching Nix 2.8 rules (fuzz)', () => {
    const nameRe = /^[A-Za-z0-9+\-_?=][A-Za-z0-9+\-._?=]{0,210}$/;
    const names = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'aZ09+-._?= /é\n'), maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 5 }),
      fc.nat({ max: 220 }).map((n) => 'x'.repeat(n)),
    );
    fc.assert(
      fc.property(names, (name) => {
        const path = `/nix/store/${H}-${name}`;
        expect(isStorePath(path)).toBe(nameRe.test(name));
        try {
          parseStorePath(path);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
