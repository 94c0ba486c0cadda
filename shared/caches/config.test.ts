import { describe, expect, it } from 'vitest';
import { cacheConfigInputSchema, cacheConfigSchema } from './config';
import { folderPathStyle } from './folder-path';

const folder = (path: string) => ({ kind: 'file', path, settings: [] });
const problem = (config: unknown) => {
  const parsed = cacheConfigSchema.safeParse(config);
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join(' | ');
};

describe('folder cache paths', () => {
  it.each([
    ['/srv/nix-cache', 'posix'],
    ['C:\\Users\\me\\AppData\\Roaming\\Narwhal\\local-cache', 'windows-drive'],
    ['c:/Users/me/cache', 'windows-drive'],
    ['\\\\server\\share\\nix-cache', 'unc'],
  ])('accepts the absolute path %s (%s)', (path, style) => {
    expect(problem(folder(path))).toBeUndefined();
    expect(folderPathStyle(path)).toBe(style);
  });

  it('keeps one spelling of a Windows path, so C:/x and C:\\x are one folder', () => {
    expect(cacheConfigSchema.parse(folder('C:/Users/me/cache'))).toEqual(folder('C:\\Users\\me\\cache'));
    expect(cacheConfigSchema.parse(folder('//server/share/x'))).toEqual(folder('//server/share/x')); // a POSIX path
    expect(cacheConfigSchema.parse(folder('/srv/cache/'))).toEqual(folder('/srv/cache'));
    expect(cacheConfigSchema.parse(folder('/'))).toEqual(folder('/'));
    expect(cacheConfigSchema.parse(folder('C:/'))).toEqual(folder('C:\\'));
    expect(cacheConfigSchema.parse(folder('D:\\nix\\'))).toEqual(folder('D:\\nix'));
  });

  it.each([
    ['cache', /"cache" is relative; a folder cache needs an absolute path/],
    ['C:cache', /relative/],
    ['\\\\server', /not a complete network path/],
    ['', /Folder path is empty/],
    ['~/nix-cache', /starts with ~, which must be expanded to your home folder/],
  ])('refuses %j saying why', (path, message) => {
    expect(problem(folder(path))).toMatch(message);
  });

  it('lets a page send ~/… for the service to expand, but nothing else that is relative', () => {
    expect(cacheConfigInputSchema.safeParse(folder('~/nix-cache')).success).toBe(true);
    expect(cacheConfigInputSchema.safeParse(folder('~')).success).toBe(true);
    expect(cacheConfigInputSchema.safeParse(folder('nix-cache')).success).toBe(false);
    expect(cacheConfigInputSchema.safeParse(folder('~other/x')).success).toBe(false);
  });
});

describe('messages for every field', () => {
  const s3 = { kind: 's3', bucket: 'cache', settings: [] };
  it.each([
    [{ ...s3, scheme: 'gopher' }, 'scheme must be http or https, not "gopher".'],
    [{ ...s3, scheme: 7 }, 'scheme must be http or https, not 7.'],
    [{ ...s3, addressingStyle: 'up' }, 'Addressing style must be auto, path or virtual, not "up".'],
    [{ ...s3, region: 'Mars 1' }, 'Region "Mars 1" is not valid: a region is like us-east-1.'],
    [{ ...s3, endpoint: 'my host' }, 'Endpoint "my host" contains a space; give a host such as minio.example.org:9000.'],
    [{ ...s3, profile: '' }, 'AWS profile name is empty: leave it out to use the default credentials.'],
    [{ kind: 's3', settings: [] }, 'Bucket name is missing: an S3 cache needs one.'],
    [{ ...s3, settings: [['', 'x']] }, 'A store setting needs a name.'],
    [{ ...s3, settings: 'compression=xz' }, 'Store settings are a list of name and value pairs.'],
    [{ kind: 'http', url: 'ftp://x', settings: [] }, 'URL "ftp://x" is not an http:// or https:// URL, which an HTTP cache needs.'],
    [{ kind: 'gopher', settings: [] }, 'Kind must be s3, file or http, not "gopher".'],
    [{ kind: 'file', path: 42, settings: [] }, 'Folder path must be text, not 42.'],
  ])('%j', (config, message) => {
    expect(problem(config)).toBe(message);
  });
});
