import { describe, expect, it } from 'vitest';
import { emptyForm, formFromConfig, importStoreUrl, previewStoreUrl, validateForm } from './cache-form';

describe('cache form', () => {
  it('turns a filled-in S3 form into a config, leaving empty fields unset', () => {
    const result = validateForm({ ...emptyForm(), name: ' Team cache ', bucket: 'team-cache', endpoint: '127.0.0.1:7480', scheme: 'http' });
    expect(result).toEqual({
      ok: true,
      name: 'Team cache',
      config: { kind: 's3', bucket: 'team-cache', endpoint: '127.0.0.1:7480', scheme: 'http', settings: [] },
    });
  });

  it('files schema errors under the field they are about', () => {
    const result = validateForm({ ...emptyForm(), name: '', bucket: 'UPPER', region: 'EU West' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.name).toMatch(/needs a name/);
    expect(result.errors.bucket).toMatch(/lowercase/);
    expect(result.errors.region).toMatch(/like us-east-1/);
  });

  it('checks folder and HTTP caches by their own fields', () => {
    const folder = validateForm({ ...emptyForm(), name: 'x', kind: 'file', path: 'relative/dir' });
    expect(!folder.ok && folder.errors.path).toMatch(/absolute path/);
    const http = validateForm({ ...emptyForm(), name: 'x', kind: 'http', url: 'https://cache.example.org/' });
    expect(http).toEqual({ ok: true, name: 'x', config: { kind: 'http', url: 'https://cache.example.org', settings: [] } });
  });

  it('imports a store URL, keeps extra settings and previews the same URL back', () => {
    const url = 's3://nix-cache?region=eu-west-1&endpoint=127.0.0.1:7480&scheme=http&profile=ci&compression=zstd';
    const imported = importStoreUrl(emptyForm(), url);
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.form).toMatchObject({ name: 'nix-cache', kind: 's3', bucket: 'nix-cache', region: 'eu-west-1', profile: 'ci', settings: [['compression', 'zstd']] });
    expect(imported.warnings).toEqual([]);
    expect(previewStoreUrl(imported.form)).toBe(url);
  });

  it('keeps a name the user already typed and reports unknown settings as warnings', () => {
    const imported = importStoreUrl({ ...emptyForm(), name: 'Mine' }, 'file:///srv/nix-cache?flavour=vanilla');
    expect(imported.ok && imported.form.name).toBe('Mine');
    expect(imported.ok && imported.form.path).toBe('/srv/nix-cache');
    expect(imported.ok && imported.warnings[0]).toMatch(/flavour/);
  });

  it('says what is wrong with a URL it cannot import', () => {
    expect(importStoreUrl(emptyForm(), 'ssh://host')).toEqual({ ok: false, error: expect.stringMatching(/ssh:\/\//) });
    expect(importStoreUrl(emptyForm(), '  ')).toMatchObject({ ok: false });
  });

  it('round-trips a saved config through the form', () => {
    const config = { kind: 's3' as const, bucket: 'b-1', profile: 'p', addressingStyle: 'virtual' as const, settings: [['secret-key', '/k'] as [string, string]] };
    const result = validateForm({ ...formFromConfig(config), name: 'n' });
    expect(result).toEqual({ ok: true, name: 'n', config });
  });
});
