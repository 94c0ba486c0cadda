import { describe, expect, it } from 'vitest';
import type { CacheView, KeyView } from '../../../../shared/api/contract';
import type { CopyFormValues } from './copy-form';
import { checkCopyForm, pathLines, proposedValues, valuesOf } from './copy-form';

const folder = (id: string, dir: string): CacheView => ({ id, name: id, config: { kind: 'file', path: dir, settings: [] }, storeUrl: `file://${dir}`, writable: true, builtIn: false });
const http: CacheView = { id: 'web', name: 'web', config: { kind: 'http', url: 'https://cache.example.org', settings: [] }, storeUrl: 'https://cache.example.org', writable: false, builtIn: false };
const caches = [folder('src', '/srv/src'), folder('dst', '/srv/dst'), folder('dst-again', '/srv/dst'), http];
const key = (id: string, secretAvailable: boolean, hasSecret = true): KeyView => ({
  id,
  name: id,
  publicKey: `${id}:x`,
  hasSecret,
  secretAvailable,
  encrypted: false,
  origin: 'generated',
  createdAt: '2026-01-01T00:00:00Z',
});
const keys = [key('k1', true), key('sealed', false), key('public', false, false)];

const top = '/nix/store/0c7hyp1qjpz3lmx0xv4vsxwdkkkll3fr-hello-2.12';
const values = (patch: Partial<CopyFormValues> = {}): CopyFormValues => ({
  fromId: 'src',
  toId: 'dst',
  pathsText: top,
  closure: true,
  compression: 'keep',
  level: '',
  keyChoice: 'none',
  ...patch,
});

describe('checkCopyForm', () => {
  it('makes the request: the source’s bytes kept and no key unless chosen', () => {
    expect(checkCopyForm(values(), caches, keys)).toEqual({ errors: {}, request: { fromCacheId: 'src', toCacheId: 'dst', paths: [top], closure: true } });
    const recompressed = checkCopyForm(values({ compression: 'zstd', level: ' 19 ', keyChoice: 'k1', closure: false }), caches, keys);
    expect(recompressed.request).toEqual({ fromCacheId: 'src', toCacheId: 'dst', paths: [top], closure: false, compression: 'zstd', level: 19, keyId: 'k1' });
    // A level left over from another method means nothing once "keep" or "none" is chosen.
    expect(checkCopyForm(values({ compression: 'none', level: '40' }), caches, keys).request).toEqual({ fromCacheId: 'src', toCacheId: 'dst', paths: [top], closure: true, compression: 'none' });
  });

  it('takes store paths, base names and hashes, one a line, blank lines and repeats dropped', () => {
    const text = `\n ${top}/ \n0c7hyp1qjpz3lmx0xv4vsxwdkkkll3fr-hello-2.12\n\n1b9p07z77phvv2hf6gm9f28syp39f1ag\n${top}/\n`;
    expect(pathLines(text)).toEqual([`${top}/`, '0c7hyp1qjpz3lmx0xv4vsxwdkkkll3fr-hello-2.12', '1b9p07z77phvv2hf6gm9f28syp39f1ag']);
    expect(checkCopyForm(values({ pathsText: text }), caches, keys).errors).toEqual({});
  });

  it('says which line is not a path, and why', () => {
    const { errors, request } = checkCopyForm(values({ pathsText: `${top}\n\nhello` }), caches, keys);
    expect(request).toBeUndefined();
    expect(errors.paths).toMatch(/^line 3, "hello", is not a store path, a base name \(<hash>-<name>\) or a 32-character hash: .*too short/);
    expect(checkCopyForm(values({ pathsText: '/nix/store/0c7hyp1qjpz3lmx0xv4vsxwdkkkll3fr-hello-2.12/bin/hello' }), caches, keys).errors.paths).toMatch(/^line 1, .*a path inside one/);
    expect(checkCopyForm(values({ pathsText: ' \n ' }), caches, keys).errors.paths).toBe('give at least one store path, base name or hash, one a line.');
  });

  it('refuses an HTTP destination, the source itself, and another entry for the same place', () => {
    expect(checkCopyForm(values({ toId: 'web' }), caches, keys).errors.to).toBe('web is an HTTP cache, which Narwhal can only read; copy to an S3 bucket or a folder.');
    expect(checkCopyForm(values({ toId: 'src' }), caches, keys).errors.to).toBe('src is the cache copied from; choose another.');
    expect(checkCopyForm(values({ fromId: 'dst', toId: 'dst-again' }), caches, keys).errors.to).toBe('dst-again and dst are the same cache.');
    // An HTTP cache is a fine source.
    expect(checkCopyForm(values({ fromId: 'web' }), caches, keys).errors).toEqual({});
    expect(checkCopyForm(values({ fromId: '', toId: '' }), caches, keys).errors).toEqual({ from: 'choose the cache to copy from.', to: 'choose the cache to copy to.' });
  });

  it('checks the level against the method and the key against the key store', () => {
    expect(checkCopyForm(values({ compression: 'zstd', level: '0' }), caches, keys).errors.level).toBe('zstd takes a whole number from 1 to 19; "0" is not one.');
    expect(checkCopyForm(values({ compression: 'xz', level: '2.5' }), caches, keys).errors.level).toBe('xz takes a whole number from 0 to 9; "2.5" is not one.');
    expect(checkCopyForm(values({ keyChoice: 'sealed' }), caches, keys).errors.key).toBe('the secret of sealed cannot be read here; choose another key.');
    expect(checkCopyForm(values({ keyChoice: 'public' }), caches, keys).errors.key).toBe('that key is gone from the key store; choose another.');
    expect(checkCopyForm(values({ keyChoice: 'deleted' }), caches, keys).errors.key).toBe('that key is gone from the key store; choose another.');
  });

  it('fills the form back from a request', () => {
    expect(valuesOf({ fromCacheId: 'src', toCacheId: 'dst', paths: ['a', 'b'], closure: false, compression: 'gzip', level: 3, keyId: 'k1' })).toEqual({
      fromId: 'src',
      toId: 'dst',
      pathsText: 'a\nb',
      closure: false,
      compression: 'gzip',
      level: '3',
      keyChoice: 'k1',
    });
  });
});

describe('proposedValues', () => {
  it('proposes the selected cache as the source and another writable one as the destination, until chosen', () => {
    const list = [http, folder('a', '/a'), folder('b', '/b')];
    expect(proposedValues(values({ fromId: '', toId: '' }), list, 'web')).toMatchObject({ fromId: 'web', toId: 'a' });
    expect(proposedValues(values({ fromId: '', toId: '' }), list, 'a')).toMatchObject({ fromId: 'a', toId: 'b' });
    expect(proposedValues(values({ fromId: 'b', toId: 'a' }), list, 'a')).toMatchObject({ fromId: 'b', toId: 'a' });
    // A chosen cache removed since: proposed afresh.
    expect(proposedValues(values({ fromId: 'gone', toId: 'gone' }), list, undefined)).toMatchObject({ fromId: 'web', toId: 'a' });
    expect(proposedValues(values({ fromId: '', toId: '' }), [http], undefined)).toMatchObject({ fromId: 'web', toId: '' });
  });
});
