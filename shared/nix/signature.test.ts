import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import { hashToHex, parseHash } from './hash';
import { parsePublicKey, parseSecretKey, secretKeyFromSeed } from './keys';
import { parseNarinfo, serialiseNarinfo } from './narinfo';
import { fingerprint, formatSignature, parseSignature, signNarinfo, verifyNarinfo } from './signature';
import * as arb from './testdata/arbitraries';
import { leafXz, pk1, pk2, sk1, sk2, srcCa, topXz } from './testdata/fixtures';

const top = parseNarinfo(topXz);
const K1 = parsePublicKey(pk1);
const K2 = parsePublicKey(pk2);
const S1 = parseSecretKey(sk1);
const S2 = parseSecretKey(sk2);
const FP_TOP =
  '1;/nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top;sha256:0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21gx;640;' +
  '/nix/store/71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf,/nix/store/khn540rbqyq3yi1mpn9lkq6l4f0ayb90-narwhal-mid';

describe('fingerprint', () => {
  it('is what Nix signs', () => {
    expect(fingerprint(top)).toBe(FP_TOP);
    expect(fingerprint(parseNarinfo(leafXz))).toBe(
      '1;/nix/store/71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf;sha256:1y6jm13lj85flc1wwa0zqv3zaq3fp4dz7n6axa7rn08s36y9mva8;288;',
    );
  });

  it('re-renders the NarHash as nix32, sorts and de-duplicates references, accepts full paths', () => {
    const hex = `sha256:${hashToHex(top.narHash)}`;
    expect(fingerprint({ ...top, narHash: parseHash(hex), references: [...top.references].reverse() })).toBe(FP_TOP);
    expect(fingerprint({ ...top, references: [...top.references, top.references[0]!].map((r) => `/nix/store/${r}`) })).toBe(FP_TOP);
  });

  it('uses the store directory of the path', () => {
    const fp = fingerprint({ ...top, storePath: top.storePath.replace('/nix/store', '/tmp/s') });
    expect(fp).toContain(';/tmp/s/71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf,/tmp/s/');
  });

  it('refuses what it cannot fingerprint', () => {
    expect(() => fingerprint({ ...top, narSize: 0 })).toThrow('cannot compute the fingerprint of /nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top: NarSize is not known');
    expect(() => fingerprint({ ...top, narHash: parseHash('sha1:kpcd173cq987hw957sx6m0868wv3x6d9') })).toThrow('NarHash is sha1, not sha256');
    expect(() => fingerprint({ ...top, references: ['/gnu/store/71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf'] })).toThrow('is not in the store directory');
    expect(() => fingerprint({ ...top, storePath: 'x' })).toThrow(FormatError);
  });
});

describe('signatures', () => {
  it('reproduces the signatures Nix made (Ed25519 is deterministic)', () => {
    expect(signNarinfo(top, S1)).toBe(top.sigs.find((s) => s.startsWith('test.example.org-1:')));
    expect(signNarinfo(top, S2)).toBe(top.sigs.find((s) => s.startsWith('b.example.org-2:')));
    const src = parseNarinfo(srcCa);
    expect(signNarinfo(src, S1)).toBe(src.sigs[0]);
  });

  it('verifies the signatures Nix made', () => {
    const v = verifyNarinfo(top, [K1]);
    expect(v).toMatchObject({ status: 'valid', keyName: 'test.example.org-1' });
    expect(v.signatures.map((s) => [s.keyName, s.result])).toEqual([
      ['b.example.org-2', 'untrusted'],
      ['test.example.org-1', 'valid'],
    ]);
    expect(verifyNarinfo(top, [K1, K2]).signatures.every((s) => s.result === 'valid')).toBe(true);
    expect(verifyNarinfo(parseNarinfo(leafXz), [K2]).status).toBe('valid');
  });

  it('reports unsigned, untrusted and invalid', () => {
    expect(verifyNarinfo({ ...top, sigs: [] }, [K1])).toEqual({ status: 'unsigned', signatures: [] });
    expect(verifyNarinfo(top, [])).toMatchObject({ status: 'untrusted', keyNames: ['b.example.org-2', 'test.example.org-1'] });
    const tampered = { ...top, narSize: 641 };
    const v = verifyNarinfo(tampered, [K1]);
    expect(v).toMatchObject({ status: 'invalid', keyName: 'test.example.org-1' });
    expect(v.signatures[1]).toMatchObject({ result: 'invalid', reason: expect.stringContaining('does not match') });
    // A trusted key of the same name but another key pair: invalid, not untrusted.
    const impostor = { name: 'test.example.org-1', bytes: K2.bytes };
    expect(verifyNarinfo(top, [impostor]).status).toBe('invalid');
    // ...unless one of the keys of that name verifies.
    expect(verifyNarinfo(top, [impostor, K1]).status).toBe('valid');
    // Valid beats invalid.
    expect(verifyNarinfo({ ...top, sigs: [...top.sigs, `test.example.org-1:${'A'.repeat(86)}==`] }, [K1]).status).toBe('valid');
  });

  it('reports malformed signatures without throwing', () => {
    const v = verifyNarinfo({ ...top, sigs: ['garbage', ':abc', 'test.example.org-1:abc', 'other:!!'] }, [K1]);
    expect(v.status).toBe('invalid');
    expect(v.signatures).toEqual([
      { sig: 'garbage', keyName: '', result: 'malformed', reason: "not of the form 'keyname:base64'" },
      { sig: ':abc', keyName: '', result: 'malformed', reason: "not of the form 'keyname:base64'" },
      { sig: 'test.example.org-1:abc', keyName: 'test.example.org-1', result: 'invalid', reason: 'signature by "test.example.org-1": bad base64 padding: length 3 is not a multiple of 4' },
      { sig: 'other:!!', keyName: 'other', result: 'untrusted' },
    ]);
    expect(verifyNarinfo({ ...top, sigs: ['garbage'] }, [K1])).toMatchObject({ status: 'untrusted', keyNames: [] });
  });

  it('parses and formats signatures', () => {
    const sig = parseSignature(top.sigs[0]!);
    expect(sig.keyName).toBe('b.example.org-2');
    expect(sig.bytes).toHaveLength(64);
    expect(formatSignature(sig)).toBe(top.sigs[0]);
    expect(() => parseSignature('abc')).toThrow(`signature "abc" is not of the form 'keyname:base64'`);
    expect(() => parseSignature('a b:AAAA')).toThrow('signature has a bad key name: key name "a b" contains whitespace');
    expect(() => parseSignature('k:AAAA')).toThrow('signature by "k" is 3 bytes, expected 64');
    expect(() => parseSignature('k:AA=A')).toThrow(`signature by "k": misplaced '='`);
  });

  it('signs and verifies any narinfo; any change to what is signed breaks it (fuzz)', () => {
    const key = secretKeyFromSeed('fuzz-1', new Uint8Array(32).fill(3));
    fc.assert(
      fc.property(arb.narinfo, fc.nat(), (info, n) => {
        const sig = signNarinfo(info, key);
        const signed = parseNarinfo(serialiseNarinfo({ ...info, sigs: [sig] }), { storeDir: info.storePath.slice(0, info.storePath.lastIndexOf('/')) });
        expect(verifyNarinfo(signed, [key.publicKey]).status).toBe('valid');
        const bytes = signed.narHash.bytes.slice();
        bytes[n % 32]! ^= 1 << n % 8;
        const changed = [
          { ...signed, narHash: { algo: 'sha256' as const, bytes } },
          { ...signed, narSize: signed.narSize === 1 ? 2 : signed.narSize - 1 },
          { ...signed, references: [...signed.references, `${'0'.repeat(32)}-extra`] },
        ];
        for (const c of changed) expect(verifyNarinfo(c, [key.publicKey]).status).toBe('invalid');
      }),
      { numRuns: 100 },
    );
  });
});
