import { describe, expect, it } from 'vitest';
import { parseContentAddress, renderContentAddress } from './content-address';
import { hashToHex } from './hash';

const N = '1bscs49jd31qhacp4g6570rrpkka96j4r5cvhxhqhsdr71p8ynnm';

describe('content addresses', () => {
  it('parses and renders the forms Nix writes', () => {
    for (const ca of [`fixed:r:sha256:${N}`, `fixed:sha256:${N}`, `text:sha256:${N}`, `fixed:git:sha256:${N}`, 'fixed:sha1:kpcd173cq987hw957sx6m0868wv3x6d9']) {
      expect(renderContentAddress(parseContentAddress(ca))).toBe(ca);
    }
    expect(parseContentAddress(`fixed:r:sha256:${N}`).method).toBe('nar');
    expect(parseContentAddress(`fixed:sha256:${N}`).method).toBe('flat');
    expect(parseContentAddress(`text:sha256:${N}`).method).toBe('text');
  });

  it('re-renders other encodings as nix32', () => {
    const hex = hashToHex(parseContentAddress(`fixed:r:sha256:${N}`).hash);
    expect(renderContentAddress(parseContentAddress(`fixed:r:sha256:${hex}`))).toBe(`fixed:r:sha256:${N}`);
  });

  it('rejects malformed content addresses', () => {
    expect(() => parseContentAddress('sha256')).toThrow(`content address "sha256" is not of the form '<prefix>:<rest>'`);
    expect(() => parseContentAddress(`source:sha256:${N}`)).toThrow(`content address prefix "source" is not 'text' or 'fixed'`);
    expect(() => parseContentAddress(`fixed:r:${N}`)).toThrow(`lacks '<algo>:<hash>'`);
    expect(() => parseContentAddress(`fixed:r:sha3:${N}`)).toThrow('unknown hash algorithm "sha3" in content address');
    expect(() => parseContentAddress('text:sha1:kpcd173cq987hw957sx6m0868wv3x6d9')).toThrow('text content address must use sha256, not sha1');
    expect(() => parseContentAddress(`fixed:r:sha256:${N}x`)).toThrow('has wrong length 53');
    expect(() => parseContentAddress(`fixed:r:sha256-${N}`)).toThrow(/lacks/);
  });
});
