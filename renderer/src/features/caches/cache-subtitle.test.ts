import { describe, expect, it } from 'vitest';
import type { CacheConfig } from '../../../../shared/caches/config';
import { cacheSubtitle } from './cache-subtitle';

const s3 = (over: Partial<Extract<CacheConfig, { kind: 's3' }>>): CacheConfig => ({ kind: 's3', bucket: 'bars02', settings: [], ...over });

describe('cacheSubtitle', () => {
  it('puts what tells connections to one bucket apart first: server, region, profile', () => {
    const subtitles = [
      s3({ endpoint: 's3.eu-central-1.wasabisys.com' }),
      s3({ endpoint: 'https://minio.internal:9000' }),
      s3({ region: 'eu-west-1' }),
      s3({ region: 'eu-west-1', profile: 'ci' }),
      s3({ endpoint: 'minio.internal:9000', scheme: 'http' }),
      s3({ endpoint: 'http://minio.internal:9000' }),
    ].map(cacheSubtitle);
    expect(subtitles).toEqual([
      's3.eu-central-1.wasabisys.com · bars02',
      'minio.internal:9000 · bars02',
      'eu-west-1 · bars02',
      'eu-west-1 · bars02 · profile ci',
      'http://minio.internal:9000 · bars02',
      'http://minio.internal:9000 · bars02',
    ]);
    expect(cacheSubtitle(s3({}))).toBe('us-east-1 · bars02');
  });

  it('keeps the end of a folder path, and an HTTP cache without its scheme', () => {
    expect(cacheSubtitle({ kind: 'file', path: '/home/ada/projects/bars02/cache', settings: [] })).toBe('…/bars02/cache');
    expect(cacheSubtitle({ kind: 'file', path: '/srv/cache', settings: [] })).toBe('/srv/cache');
    expect(cacheSubtitle({ kind: 'http', url: 'https://cache.example.org/nix', settings: [] })).toBe('cache.example.org/nix');
  });
});
