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

  it('reads a + in a setting as a plus, as Nix does', () => {
    const { config } = parseStoreUrl('s3://bucket?secret-key=/keys/a+b.sec&profile=team+ci');
    expect(config).toMatchObject({ profile: 'team+ci', settings: [['secret-key', '/keys/a+b.sec']] });
    expect(parseStoreUrl(formatStoreUrl(config)).config).toEqual(config);
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
    ['s3://Bucket_Upper', /^Bucket name "Bucket_Upper" is not valid: use lowercase letters/],
    ['s3://bucket?scheme=ftp', /^scheme must be http or https, not "ftp"\.$/],
    ['s3://bucket?region=a&region=b', /"region" is given twice/],
    ['file://relative/path', /absolute/],
    ['file://C:/Users/me', /file:\/\/\/C:\/Users\/me \(three slashes\)/],
    ['file:///tmp/100%', /percent-encoding/],
    ['s3://bucket?x=%zz', /percent-encoding/],
  ])('rejects %j with a clear message', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
  });
});

describe('clear messages for every field of a configuration', () => {
  it.each([
    ['s3://bucket?scheme=gopher', 'scheme must be http or https, not "gopher".'],
    ['s3://bucket?addressing-style=sideways', 'Addressing style must be auto, path or virtual, not "sideways".'],
    ['s3://bucket?region=EU_West', 'Region "EU_West" is not valid: a region is like us-east-1.'],
    ['s3://bucket?endpoint=', 'Endpoint is empty: leave it out for AWS, or give the host of your S3 server, such as minio.example.org:9000.'],
    ['s3://bucket?profile=', 'AWS profile name is empty: leave it out to use the default credentials.'],
    ['s3://ab', 'Bucket name "ab" is too short: a bucket name has 3 to 63 characters.'],
    [`s3://${'a'.repeat(64)}`, `Bucket name "${'a'.repeat(64)}" is too long: a bucket name has 3 to 63 characters.`],
  ])('%s', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
    expect(message).not.toMatch(/Invalid|expected one of/);
  });
});

describe('folder caches on every platform', () => {
  it.each([
    // [folder, store URL Nix reads as that folder]
    ['/tmp/has space', 'file:///tmp/has%20space'],
    ['/srv/caché/ñix-☃', 'file:///srv/cach%C3%A9/%C3%B1ix-%E2%98%83'],
    ['/srv/100%/a?b#c', 'file:///srv/100%25/a%3Fb%23c'],
    ["/srv/a+b&c=d(e)'f,g;h:i@j!k$l*m~n", "file:///srv/a+b&c=d(e)'f,g;h:i@j!k$l*m~n"],
    ['C:\\Users\\me\\AppData\\Roaming\\Narwhal\\local-cache', 'file:///C:/Users/me/AppData/Roaming/Narwhal/local-cache'],
    ['C:\\Program Files\\Nix Cache', 'file:///C:/Program%20Files/Nix%20Cache'],
    ['\\\\server\\share\\nix', 'file:////server/share/nix'],
  ])('%s is %s, and reads back as the same folder', (path, url) => {
    const config = { kind: 'file' as const, path, settings: [] as Array<[string, string]> };
    expect(formatStoreUrl(config)).toBe(url);
    expect(parseStoreUrl(url).config).toEqual(config);
    expect(parseStoreUrl(`${url}?compression=zstd`).config).toEqual({ ...config, settings: [['compression', 'zstd']] });
  });

  it('reads a Windows path written with forward slashes as the same folder', () => {
    const { config } = parseStoreUrl('file:///C:/Users/me/cache');
    expect(config).toEqual({ kind: 'file', path: 'C:\\Users\\me\\cache', settings: [] });
  });

  it('takes raw spaces and non-ASCII characters in a pasted URL as they are', () => {
    expect(parseStoreUrl('file:///tmp/has space/é').config).toMatchObject({ path: '/tmp/has space/é' });
  });

  it('warns that Nix before 2.10 cannot use a folder whose URL needs escapes', () => {
    expect(parseStoreUrl('file:///tmp/has%20space').warnings).toEqual([expect.stringMatching(/Nix 2\.9 and older cannot use the folder "\/tmp\/has space"/)]);
    expect(parseStoreUrl('file:///tmp/plain').warnings).toEqual([]);
  });
});
