import { describe, expect, it } from 'vitest';
import { makeSnippets, signingCopyUrl, substituteLines, substituterUrl, suggestKeyName } from './snippets';

const s3 = { kind: 's3' as const, bucket: 'nix', endpoint: '127.0.0.1:7480', scheme: 'http' as const, region: 'us-east-1', settings: [['compression', 'zstd'], ['priority', '30']] as Array<[string, string]> };
const pub = 'nix.127.0.0.1-1:45hB01QCQX9pECUFPmoxV+u8QXsk7pjw0hWwBjdm20w=';

describe('snippets', () => {
  it('gives the nix.conf lines after a run: with the key that signed, or the substituter alone', () => {
    expect(substituteLines(s3, pub)).toBe(makeSnippets(s3, pub, '').nixConf);
    expect(substituteLines(s3, undefined)).toBe(`extra-substituters = ${substituterUrl(s3)}\n`);
  });

  it('gives consumers the substituter without writer-only settings', () => {
    expect(substituterUrl(s3)).toBe('s3://nix?region=us-east-1&endpoint=127.0.0.1:7480&scheme=http&priority=30');
  });

  it('signs copies with the key file, replacing any other secret-key', () => {
    expect(signingCopyUrl({ ...s3, settings: [['secret-key', '/old.sec']] }, '/keys/k.sec')).toBe('s3://nix?region=us-east-1&endpoint=127.0.0.1:7480&scheme=http&secret-key=/keys/k.sec');
  });

  it('writes nix.conf, NixOS, flake and copy snippets', () => {
    const snippets = makeSnippets(s3, pub, "/data/it's.sec");
    expect(snippets.nixConf).toBe(`extra-substituters = s3://nix?region=us-east-1&endpoint=127.0.0.1:7480&scheme=http&priority=30\nextra-trusted-public-keys = ${pub}\n`);
    expect(snippets.nixosModule).toContain(`extra-trusted-public-keys = [ "${pub}" ];`);
    expect(snippets.flake).toMatch(/^\{\n {2}nixConfig = \{\n {4}extra-substituters = \[ "s3:\/\/nix\?/);
    expect(snippets.copyCommand).toBe(`nix copy --to 's3://nix?region=us-east-1&endpoint=127.0.0.1:7480&scheme=http&compression=zstd&priority=30&secret-key=/data/it'\\''s.sec' ./result\n`);
  });

  it('suggests the host name plus a free number', () => {
    expect(suggestKeyName({ kind: 'http', url: 'https://cache.example.org', settings: [] })).toBe('cache.example.org-1');
    expect(suggestKeyName(s3, ['nix.127.0.0.1-1'])).toBe('nix.127.0.0.1-2');
    expect(suggestKeyName({ kind: 's3', bucket: 'my-cache', settings: [] })).toBe('my-cache-1');
    expect(suggestKeyName({ kind: 'file', path: '/x', settings: [] })).toBe('narwhal-local-1');
  });
});
