import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../../shared/api/contract';
import { describeSource, keyRole, publicKeyFileName, shortKey, snippetKey, suggestedSecretPath } from './key-format';

const key = (over: Partial<KeyView>): KeyView => ({ id: 'k-1', name: 'a-1', publicKey: 'a-1:45hB01QCQX9pECUFPmoxV+u8QXsk7pjw0hWwBjdm20w=', hasSecret: true, secretAvailable: true, encrypted: false, origin: 'generated', createdAt: '', ...over });

describe('key formatting', () => {
  it('describes sources with their line', () => {
    expect(describeSource({ where: '/etc/nix/nix.conf', line: 3 })).toBe('/etc/nix/nix.conf:3');
    expect(describeSource({ where: 'Nix default' })).toBe('Nix default');
  });

  it('names roles', () => {
    expect(keyRole(key({}))).toBe('Signing');
    expect(keyRole(key({ secretAvailable: false }))).toBe('Signing (locked)');
    expect(keyRole(key({ hasSecret: false, secretAvailable: false }))).toBe('Verify only');
  });

  it('makes safe file names and short keys', () => {
    expect(publicKeyFileName({ name: 'cache.example.org-1' })).toBe('cache.example.org-1.pub');
    expect(publicKeyFileName({ name: 'a/b c-1' })).toBe('a_b_c-1.pub');
    expect(shortKey('a-1:45hB01QCQX9pECUFPmoxV+u8QXsk7pjw0hWwBjdm20w=')).toBe('45hB01QCQX…dm20w=');
  });

  it('picks the chosen key for snippets, else the first signing key', () => {
    const verify = key({ id: 'k-v', hasSecret: false });
    const signing = key({ id: 'k-s' });
    expect(snippetKey([verify, signing], null)?.id).toBe('k-s');
    expect(snippetKey([verify, signing], 'k-v')?.id).toBe('k-v');
    expect(snippetKey([verify, signing], 'k-gone')?.id).toBe('k-s');
    expect(snippetKey([], null)).toBeUndefined();
  });

  it('suggests a secret key file in the home folder, named after the key', () => {
    expect(suggestedSecretPath({ name: 'cache.example.org-1' })).toBe('~/cache.example.org-1.sec');
    expect(suggestedSecretPath({ name: 'a/b\\c-1' })).toBe('~/a_b_c-1.sec');
  });
});
