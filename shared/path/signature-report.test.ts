import { describe, expect, it } from 'vitest';
import { leafXz, pk1, pk2, sk1, srcCa, topXz } from '../nix/testdata/fixtures';
import { parseSecretKey, publicKeyOf, formatPublicKey, secretKeyFromSeed } from '../nix/keys';
import { readNarinfoLeniently } from './lenient-narinfo';
import { signatureReport } from './signature-report';

const fields = (text: string) => readNarinfoLeniently(text).fields;

describe('signatureReport', () => {
  it('calls each Sig valid or not trusted by the chosen keys, and accepts the path when one is valid', () => {
    const report = signatureReport(fields(topXz), [pk1]);
    expect(report.signatures.map((s) => [s.keyName, s.result])).toEqual([
      ['b.example.org-2', 'untrusted'],
      ['test.example.org-1', 'valid'],
    ]);
    expect(report).toMatchObject({ accepted: true, reason: 'Signed by test.example.org-1, a trusted key.', contentAddressed: false });
    expect(signatureReport(fields(topXz), [pk1, pk2]).signatures.every((s) => s.result === 'valid')).toBe(true);
  });

  it('refuses the path when no key is trusted, or none of its signers is', () => {
    expect(signatureReport(fields(topXz), [])).toMatchObject({ accepted: false, reason: 'No trusted keys are chosen, so no signature can be valid.' });
    const other = formatPublicKey(secretKeyFromSeed('other.example.org-1', new Uint8Array(32).fill(9)).publicKey);
    const report = signatureReport(fields(topXz), [other]);
    expect(report.accepted).toBe(false);
    expect(report.reason).toBe('No signature is by a trusted key (signed by b.example.org-2, test.example.org-1).');
  });

  it('calls a signature invalid when the narinfo was altered, and a key of the same name but other bytes does not verify it', () => {
    const altered = fields(topXz.replace('NarSize: 640', 'NarSize: 641'));
    const report = signatureReport(altered, [pk1]);
    expect(report.signatures[1]).toMatchObject({ result: 'invalid', reason: expect.stringContaining('does not match') });
    expect(report.accepted).toBe(false);
    expect(report.reason).toMatch(/does not verify \(test\.example\.org-1\)/);
    const impostor = formatPublicKey(secretKeyFromSeed('test.example.org-1', new Uint8Array(32).fill(1)).publicKey);
    expect(signatureReport(fields(topXz), [impostor]).signatures[1]!.result).toBe('invalid');
  });

  it('says unsigned, and accepts a content-addressed path without any trusted signature', () => {
    const unsigned = leafXz.replace(/Sig: .*\n/g, '');
    expect(signatureReport(fields(unsigned), [pk1])).toMatchObject({ accepted: false, reason: expect.stringMatching(/^Unsigned/) });
    const ca = signatureReport(fields(srcCa), []);
    expect(ca).toMatchObject({ accepted: true, contentAddressed: true });
    expect(ca.signatures[0]!.result).toBe('untrusted');
  });

  it('reports a bad trusted key and leaves it out; signatures are unverifiable without NarHash', () => {
    const report = signatureReport(fields(topXz), ['garbage', `  ${pk1}  `, formatPublicKey(publicKeyOf(parseSecretKey(sk1)))]);
    expect(report.keys[0]).toMatchObject({ text: 'garbage', problem: expect.any(String) });
    expect(report.keys[1]).toEqual({ text: pk1, name: 'test.example.org-1' });
    expect(report.accepted).toBe(true);
    const noHash = signatureReport(fields(topXz.replace(/NarHash: .*\n/, '')), [pk1]);
    expect(noHash.signatures.map((s) => s.result)).toEqual(['unverifiable', 'unverifiable']);
    expect(noHash.reason).toMatch(/no usable NarHash/);
  });
});
