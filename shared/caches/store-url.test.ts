import { describe, expect, it } from 'vitest';
import { formatStoreUrl, parseStoreUrl } from './store-url';

const sortedQuery = (url: string) => {
  const [base, query = ''] = url.split('?');
  return `${base}?${query.split('&').sort().join('&')}`;
};

describe('Nix store URLs', () => {
  it.each([
    's3://nix-cache',
    's3://nix-cache?region=eu-west-1',
    's3://nix-cache?region=us-east-1&endpoint=127.0.0.1:7480&scheme=http&profile=ci&compression=zstd',
    's3://my.bucket?endpoint=minio.example.org&addressing-style=path&secret-key=/etc/nix/key.sec&write-nar-listing=true&parallel-compression=true&multipart-upload=true&buffer-size=8388608&narinfo-compression=xz&ls-compression=br&log-compression=br&index-debug-info=true&want-mass-query=true&priority=30&compression-level=6&storage-class=STANDARD_IA',
    'file:///var/cache/nix',
    'file:///srv/cache?compression=none&write-nar-listing=true',
    'https://cache.example.org',
    'http://127.0.0.1:8080/sub/path?priority=50',
  ])('round-trips %s exactly (up to parameter order)', (url) => {
    const { config, warnings } = parseStoreUrl(url);
    expect(warnings).toEqual([]);
    expect(sortedQuery(formatStoreUrl(config))).toBe(sortedQuery(url));
  });

  it('reads the typed S3 fields', () => {
    const { config } = parseStoreUrl('s3://b-1?endpoint=127.0.0.1:7480&scheme=http&region=us-east-1&profile=dev&addressing-style=virtual&compression=xz');
    expect(config).toEqual({
      kind: 's3', bucket: 'b-1', endpoint: '127.0.0.1:7480', scheme: 'http', region: 'us-east-1', profile: 'dev', addressingStyle: 'virtual',
      settings: [['compression', 'xz']],
    });
  });

  it('keeps unknown parameters with a warning', () => {
    const { config, warnings } = parseStoreUrl('s3://bucket?colour=blue&region=eu-west-1');
    expect(warnings).toEqual(['Unknown setting "colour" kept as it is; Nix ignores it.']);
    expect(formatStoreUrl(config)).toBe('s3://bucket?region=eu-west-1&colour=blue');
  });

  it('encodes only what would break the query', () => {
    const { config } = parseStoreUrl('s3://bucket?secret-key=/keys/a%26b.sec');
    expect(config.settings).toEqual([['secret-key', '/keys/a&b.sec']]);
    expect(formatStoreUrl(config)).toBe('s3://bucket?secret-key=/keys/a%26b.sec');
  });

  it.each([
    ['', /not a store URL/],
    ['nix-cache', /not a store URL/],
    ['ssh://host', /"ssh:\/\/" is not one of them/],
    ['s3://', /s3:\/\/BUCKET/],
    ['s3://bucket/key', /s3:\/\/BUCKET/],
    ['s3://Bucket_Upper', /bucket: A bucket name is lowercase/],
    ['s3://bucket?scheme=ftp', /scheme/],
    ['s3://bucket?region=a&region=b', /"region" is given twice/],
    ['file://relative/path', /absolute/],
    ['s3://bucket?x=%zz', /percent-encoding/],
  ])('rejects %j with a clear message', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
  });
});
