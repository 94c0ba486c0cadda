import { describe, expect, it } from 'vitest';
import { cacheIdentity } from './identity';

describe('cacheIdentity', () => {
  const s3 = { kind: 's3' as const, bucket: 'cache', endpoint: '127.0.0.1:7480', scheme: 'http' as const, settings: [] };

  it('changes with the bucket, the endpoint, the folder or the URL', () => {
    expect(cacheIdentity({ ...s3, bucket: 'other' })).not.toBe(cacheIdentity(s3));
    expect(cacheIdentity({ ...s3, endpoint: '127.0.0.1:7481' })).not.toBe(cacheIdentity(s3));
    expect(cacheIdentity({ ...s3, scheme: 'https' })).not.toBe(cacheIdentity(s3));
    expect(cacheIdentity({ kind: 'file', path: '/a', settings: [] })).not.toBe(cacheIdentity({ kind: 'file', path: '/b', settings: [] }));
  });

  it('ignores what does not move the objects: profile, region, settings, spelling of the endpoint', () => {
    expect(cacheIdentity({ ...s3, profile: 'p', region: 'eu-west-1', settings: [['compression', 'zstd']] })).toBe(cacheIdentity(s3));
    expect(cacheIdentity({ ...s3, endpoint: 'http://127.0.0.1:7480/', scheme: undefined })).toBe(cacheIdentity(s3));
    expect(cacheIdentity({ kind: 'http', url: 'https://c.example/', settings: [] })).toBe(cacheIdentity({ kind: 'http', url: 'https://c.example', settings: [] }));
  });
});
