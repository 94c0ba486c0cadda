import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64';
import { FormatError } from './errors';
import {
  checkKeyName,
  formatPublicKey,
  formatSecretKey,
  generateSecretKey,
  isValidKeyName,
  parsePublicKey,
  parsePublicKeys,
  parseSecretKey,
  publicKeyOf,
  secretKeyFromSeed,
  SecretKey,
  signDetached,
  verifyDetached,
} from './keys';
import { catchFormatError } from './testdata/catch';
import { pk1, pk2, sk1, sk2 } from './testdata/fixtures';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const SECRET_B64 = sk1.slice(sk1.indexOf(':') + 1);

// RFC 8032 §7.1, TEST 1 (empty message).
const RFC_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('keys', () => {
  it('parses keys made by `nix key generate-secret` and derives the public key Nix derives', () => {
    for (const [sk, pk] of [
      [sk1, pk1],
      [sk2, pk2],
    ] as const) {
      const secret = parseSecretKey(sk);
      expect(formatPublicKey(publicKeyOf(secret))).toBe(pk);
      expect(formatSecretKey(secret)).toBe(sk);
      expect(parsePublicKey(pk)).toEqual(secret.publicKey);
    }
    expect(parseSecretKey(sk1).name).toBe('test.example.org-1');
  });

  it('tolerates one trailing newline, not more', () => {
    expect(parseSecretKey(`${sk1}\n`).name).toBe('test.example.org-1');
    expect(parsePublicKey(`${pk1}\n`).name).toBe('test.example.org-1');
    expect(() => parseSecretKey(`${sk1}\n\n`)).toThrow('secret key "test.example.org-1" (key): invalid character "\\n" at position 88 in base64 string');
    expect(() => parseSecretKey(`${sk1}\r\n`)).toThrow('invalid character "\\r"');
    expect(() => parseSecretKey(` ${sk1}`)).toThrow('secret key (name): key name " test.example.org-1" contains whitespace or a control character');
  });

  it('matches RFC 8032 test vector 1', () => {
    const secret = secretKeyFromSeed('rfc', hex(RFC_SEED));
    expect(secret.publicKey.bytes).toEqual(hex(RFC_PUB));
    expect(signDetached(secret, new Uint8Array())).toEqual(hex(RFC_SIG));
    expect(verifyDetached(secret.publicKey, new Uint8Array(), hex(RFC_SIG))).toBe(true);
  });

  it('signs and verifies', () => {
    const secret = secretKeyFromSeed('k', SEED);
    const msg = new TextEncoder().encode('hello');
    const sig = signDetached(secret, msg);
    expect(sig).toHaveLength(64);
    expect(verifyDetached(secret.publicKey, msg, sig)).toBe(true);
    expect(verifyDetached(secret.publicKey, new TextEncoder().encode('hellO'), sig)).toBe(false);
    const bad = sig.slice();
    bad[0]! ^= 1;
    expect(verifyDetached(secret.publicKey, msg, bad)).toBe(false);
    expect(verifyDetached(secret.publicKey, msg, sig.subarray(0, 63))).toBe(false);
    expect(verifyDetached(parseSecretKey(sk2).publicKey, msg, sig)).toBe(false);
  });

  it('rejects non-canonical signatures (S >= L), as libsodium does', () => {
    const secret = secretKeyFromSeed('k', SEED);
    const msg = new TextEncoder().encode('m');
    const sig = signDetached(secret, msg);
    // S + L is the same scalar mod L but not canonical.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    let s2 = s + L;
    const mall = sig.slice();
    for (let i = 0; i < 32; i++, s2 >>= 8n) mall[32 + i] = Number(s2 & 255n);
    expect(s2).toBe(0n);
    expect(verifyDetached(secret.publicKey, msg, mall)).toBe(false);
  });

  it('generates keys from injected or global randomness', () => {
    const k = generateSecretKey('cache.example.org-1', (n) => new Uint8Array(n).fill(7));
    expect(k.name).toBe('cache.example.org-1');
    expect(formatSecretKey(k)).toBe(formatSecretKey(secretKeyFromSeed('cache.example.org-1', new Uint8Array(32).fill(7))));
    const a = generateSecretKey('a');
    const b = generateSecretKey('a');
    expect(formatPublicKey(a.publicKey)).not.toBe(formatPublicKey(b.publicKey));
    expect(parseSecretKey(formatSecretKey(a)).publicKey).toEqual(a.publicKey);
    expect(() => generateSecretKey('a', () => new Uint8Array(31))).toThrow('randomBytes(32) must return 32 bytes');
    expect(() => generateSecretKey('a:b')).toThrow(FormatError);
  });

  it('never shows the secret by accident', async () => {
    // Imported dynamically so that this file type-checks without Node's types (the renderer's tsconfig includes it).
    const { inspect } = (await import(/* @vite-ignore */ 'node:util' as string)) as {
      inspect: (value: unknown, options?: Record<string, unknown>) => string;
    };
    const k = parseSecretKey(sk1);
    const secretB64 = SECRET_B64;
    const seed = parseSecretKeyBytes(sk1).subarray(0, 32);
    const seedHex = [...seed].map((b) => b.toString(16).padStart(2, '0')).join('');
    const seedDecimal = [...seed.subarray(0, 8)].join(', ');
    const shown = [
      String(k),
      `${k}`,
      JSON.stringify(k),
      JSON.stringify({ k }),
      inspect(k),
      inspect(k, { showHidden: true, depth: 10 }),
      inspect(k, { customInspect: false, showHidden: true, depth: 10 }),
      JSON.stringify(Object.entries(k)),
      JSON.stringify(structuredClone(k)),
      Object.keys(k).join(','),
      Object.getOwnPropertyNames(k).join(','),
    ];
    for (const s of shown) {
      expect(s).not.toContain(secretB64.slice(0, 20));
      expect(s).not.toContain(secretB64.slice(0, 40)); // the seed's base64
      expect(s).not.toContain(seedHex.slice(0, 16));
      expect(s).not.toContain(seedDecimal);
    }
    expect(String(k)).toBe(`SecretKey(test.example.org-1, public ${pk1})`);
    expect(JSON.parse(JSON.stringify(k))).toEqual({ name: 'test.example.org-1', publicKey: pk1 });
    expect(Object.isFrozen(k)).toBe(true);
    expect(k).toBeInstanceOf(SecretKey);
  });

  it('rejects malformed keys with precise messages', () => {
    const msg = (f: () => unknown) => catchFormatError(f).message;
    expect(msg(() => parseSecretKey(''))).toBe("secret key: expected 'name:base64', found no ':'");
    expect(msg(() => parseSecretKey(SECRET_B64))).toBe("secret key: expected 'name:base64', found no ':'");
    expect(msg(() => parseSecretKey(`:${SECRET_B64}`))).toBe('secret key (name): key name is empty');
    expect(msg(() => parseSecretKey('k:'))).toBe('secret key "k" (key): key data is empty');
    expect(msg(() => parseSecretKey(pk1))).toBe('secret key "test.example.org-1" (key): key is 32 bytes, expected 64 (this looks like a public key)');
    expect(msg(() => parsePublicKey(sk1))).toBe('public key "test.example.org-1" (key): key is 64 bytes, expected 32 (this looks like a secret key!)');
    expect(msg(() => parseSecretKey(sk1.slice(0, -4)))).toBe('secret key "test.example.org-1" (key): key is 63 bytes, expected 64');
    expect(msg(() => parseSecretKey(sk1.slice(0, -1)))).toBe('secret key "test.example.org-1" (key): bad base64 padding: length 87 is not a multiple of 4');
    // Seed of one key with the public half of another.
    const mixed = `x:${encodeBase64(new Uint8Array([...parseSecretKeyBytes(sk1).subarray(0, 32), ...parseSecretKeyBytes(sk2).subarray(32)]))}`;
    expect(msg(() => parseSecretKey(mixed))).toBe('secret key "x" (key): the public half does not match the seed (corrupt key)');
    expect(msg(() => parsePublicKey('k:AAAA'))).toBe('public key "k" (key): key is 3 bytes, expected 32');
    const e = catchFormatError(() => parsePublicKey('k:AA-A'));
    expect(e.message).toBe('public key "k" (key): invalid character "-" at position 2 in base64 string');
    expect(e.offset).toBe(4);
  });

  it('checks key names', () => {
    expect(() => checkKeyName('')).toThrow('key name is empty');
    expect(() => checkKeyName('a b')).toThrow('contains whitespace');
    expect(() => checkKeyName('a\u0000')).toThrow('control character');
    expect(() => checkKeyName('a:b')).toThrow(`key name "a:b" contains ':'`);
    expect(isValidKeyName('cache.example.org-1')).toBe(true);
    expect(isValidKeyName('ключ-1')).toBe(true);
    expect(() => secretKeyFromSeed('', SEED)).toThrow('key name is empty');
    expect(() => secretKeyFromSeed('k', SEED.subarray(1))).toThrow('Ed25519 seed must be 32 bytes, got 31');
  });

  it('parses a trusted-public-keys list', () => {
    expect(parsePublicKeys(` ${pk1}\n\t${pk2} `).map((k) => k.name)).toEqual(['test.example.org-1', 'b.example.org-2']);
    expect(parsePublicKeys('')).toEqual([]);
  });

  it('round-trips any seed and name, and parsing junk throws only FormatError (fuzz)', () => {
    const name = fc.string({ minLength: 1, maxLength: 20 }).filter(isValidKeyName);
    fc.assert(
      fc.property(name, fc.uint8Array({ minLength: 32, maxLength: 32 }), (n, seed) => {
        const k = secretKeyFromSeed(n, seed);
        const again = parseSecretKey(formatSecretKey(k));
        expect(formatSecretKey(again)).toBe(formatSecretKey(k));
        expect(parsePublicKey(formatPublicKey(k.publicKey))).toEqual(k.publicKey);
      }),
      { numRuns: 200 },
    );
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.tuple(fc.string({ maxLength: 5 }), fc.uint8Array({ maxLength: 70 }), fc.string({ maxLength: 2 })).map(([n, b, t]) => `${n}:${encodeBase64(b)}${t}`),
    );
    fc.assert(
      fc.property(junk, (s) => {
        for (const parse of [parseSecretKey, parsePublicKey]) {
          try {
            parse(s);
          } catch (e) {
            expect(e).toBeInstanceOf(FormatError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

function parseSecretKeyBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text.slice(text.indexOf(':') + 1)), (c) => c.charCodeAt(0));
}
