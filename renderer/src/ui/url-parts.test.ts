import { describe, expect, it } from 'vitest';
import { urlParts } from './url-parts';

describe('urlParts', () => {
  it('breaks after ? and each &, keeping every character in order', () => {
    const url = 's3://bars02-cache?region=eu-central-1&endpoint=s3.example.org:9000&profile=ci';
    expect(urlParts(url)).toEqual(['s3://bars02-cache?', 'region=eu-central-1&', 'endpoint=s3.example.org:9000&', 'profile=ci']);
    expect(urlParts(url).join('')).toBe(url);
  });

  it('leaves a URL without settings whole, and copes with odd ones', () => {
    expect(urlParts('file:///srv/nix cache')).toEqual(['file:///srv/nix cache']);
    expect(urlParts('')).toEqual([]);
    expect(urlParts('s3://b?&&x=1').join('')).toBe('s3://b?&&x=1');
  });
});
