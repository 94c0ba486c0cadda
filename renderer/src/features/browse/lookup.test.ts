import { describe, expect, it } from 'vitest';
import { parseLookup } from './lookup';

const hash = '0123456789abcdfghijklmnpqrsvwxyz';

describe('parseLookup', () => {
  it('reads a store path, a path inside one, a base name and a bare hash', () => {
    expect(parseLookup(`/nix/store/${hash}-hello-2.12`)).toEqual({ path: `${hash}-hello-2.12` });
    expect(parseLookup(`  /nix/store/${hash}-hello-2.12/bin/hello `)).toEqual({ path: `${hash}-hello-2.12` });
    expect(parseLookup(`${hash}-hello-2.12`)).toEqual({ path: `${hash}-hello-2.12` });
    expect(parseLookup(hash)).toEqual({ path: hash });
    expect(parseLookup(`/nix/store/${hash}`)).toEqual({ path: hash });
  });

  it('says what is wrong with anything else', () => {
    expect(parseLookup(' ')).toEqual({ error: expect.stringMatching(/^Type a store path/) });
    expect(parseLookup('/usr/bin/hello')).toEqual({ error: '“/usr/bin/hello” is not in /nix/store.' });
    expect(parseLookup('hello')).toEqual({ error: expect.stringMatching(/does not start with a store path hash/) });
    expect(parseLookup(`${hash.slice(0, 31)}e-x`)).toEqual({ error: expect.stringMatching(/does not start with a store path hash/) });
    expect(parseLookup(`${hash}_x`)).toEqual({ error: expect.stringMatching(/after the hash comes “-” and the name/) });
    expect(parseLookup(`${hash}-a b`)).toEqual({ error: expect.stringMatching(/is not a store path/) });
  });
});
