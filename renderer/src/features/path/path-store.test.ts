import { describe, expect, it } from 'vitest';
import { chosenKeys, splitPastedKeys } from './path-store';

describe('trusted key choice', () => {
  it('keeps the ticked defaults, then the pasted keys, each once', () => {
    expect(chosenKeys(['a:1', 'b:2', 'c:3'], ['b:2'], ['d:4', 'a:1'])).toEqual(['a:1', 'c:3', 'd:4']);
    expect(chosenKeys([], [], [])).toEqual([]);
  });
  it('splits pasted text the way nix.conf lists keys', () => {
    expect(splitPastedKeys(' cache.nixos.org-1:6NCH=\n  other-1:xyz= , third:abc=\t')).toEqual(['cache.nixos.org-1:6NCH=', 'other-1:xyz=', 'third:abc=']);
  });
});
