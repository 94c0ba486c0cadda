import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes as cryptoRandomBytes } from '@noble/hashes/utils.js';
import { decodeBase64, encodeBase64 } from './base64';
import { FormatError, quote } from './errors';

/** An Ed25519 public key as Nix writes it: `name:base64(32 bytes)`. */
export interface PublicKey {
  readonly name: string;
  /** The 32-byte Ed25519 public key. */
  readonly bytes: Uint8Array;
}

let seedOf: (key: SecretKey) => Uint8Array;

/**
 * An Ed25519 secret key with its name (Nix's file format: `name:base64(seed ‖ public key)`). The seed
 * lives in a private field: it is not an own property, so it does not show in `JSON.stringify`,
 * `structuredClone`, `console.log`/`util.inspect`, `Object.keys` or `toString`. Only
 * `formatSecretKey` and signing read it.
 */
export class SecretKey {
  readonly name: string;
  readonly publicKey: PublicKey;
  readonly #seed: Uint8Array;

  static {
    seedOf = (key) => key.#seed;
  }

  /** Use `parseSecretKey`, `generateSecretKey` or `secretKeyFromSeed`. */
  private constructor(name: string, seed: Uint8Array) {
    checkKeyName(name);
    if (seed.length !== 32) throw new FormatError(`Ed25519 seed must be 32 bytes, got ${seed.length}`);
    this.#seed = Uint8Array.from(seed);
    this.name = name;
    this.publicKey = Object.freeze({ name, bytes: ed25519.getPublicKey(this.#seed) });
    Object.freeze(this);
  }

  /** @internal */
  static fromSeed(name: string, seed: Uint8Array): SecretKey {
    return new SecretKey(name, seed);
  }

  toString(): string {
    return `SecretKey(${this.name}, public ${formatPublicKey(this.publicKey)})`;
  }

  toJSON(): { name: string; publicKey: string } {
    return { name: this.name, publicKey: formatPublicKey(this.publicKey) };
  }

  /** What Node's `util.inspect` (and so `console.log`) shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Key names: non-empty, no `:` (it separates the name), no whitespace or control characters (Nix's
 * `trusted-public-keys` is whitespace-separated, so such names could not be trusted). The convention
 * is the cache's host name and a number, `cache.example.org-1`.
 */
export function checkKeyName(name: string): void {
  if (name === '') throw new FormatError('key name is empty');
  if (name.includes(':')) throw new FormatError(`key name ${quote(name)} contains ':'`);
  if (/[\s\p{Cc}]/u.test(name)) throw new FormatError(`key name ${quote(name)} contains whitespace or a control character`);
}

export function isValidKeyName(name: string): boolean {
  try {
    checkKeyName(name);
    return true;
  } catch {
    return false;
  }
}

function splitKey(text: string, what: string): { name: string; bytes: Uint8Array } {
  // Key files written by hand or by `echo` end in one newline; Nix tolerates it, so do we.
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const colon = body.indexOf(':');
  if (colon < 0) throw new FormatError(`expected 'name:base64', found no ':'`, { source: what });
  const name = body.slice(0, colon);
  try {
    checkKeyName(name);
  } catch (e) {
    if (e instanceof FormatError) throw e.at({ source: what, field: 'name' });
    throw e;
  }
  const data = body.slice(colon + 1);
  if (data === '') throw new FormatError('key data is empty', { source: `${what} ${quote(name)}`, field: 'key' });
  try {
    return { name, bytes: decodeBase64(data) };
  } catch (e) {
    if (e instanceof FormatError) {
      throw new FormatError(e.detail, {
        source: `${what} ${quote(name)}`,
        field: 'key',
        offset: colon + 1 + (e.offset ?? 0),
      });
    }
    throw e;
  }
}

/**
 * Parses a Nix secret key file (`nix key generate-secret`): `name:base64` of 64 bytes, the Ed25519
 * seed followed by its public key. The public half must be the one the seed gives (libsodium would
 * otherwise make signatures nobody can verify). One trailing newline is tolerated.
 */
export function parseSecretKey(text: string): SecretKey {
  const { name, bytes } = splitKey(text, 'secret key');
  const where = { source: `secret key ${quote(name)}`, field: 'key' };
  if (bytes.length !== 64) {
    const hint = bytes.length === 32 ? ' (this looks like a public key)' : '';
    throw new FormatError(`key is ${bytes.length} bytes, expected 64${hint}`, where);
  }
  const key = SecretKey.fromSeed(name, bytes.subarray(0, 32));
  const stored = bytes.subarray(32);
  if (!bytesEqual(stored, key.publicKey.bytes)) {
    throw new FormatError('the public half does not match the seed (corrupt key)', where);
  }
  bytes.fill(0);
  return key;
}

/** Parses a Nix public key: `name:base64` of 32 bytes. One trailing newline is tolerated. */
export function parsePublicKey(text: string): PublicKey {
  const { name, bytes } = splitKey(text, 'public key');
  if (bytes.length !== 32) {
    const hint = bytes.length === 64 ? ' (this looks like a secret key!)' : '';
    throw new FormatError(`key is ${bytes.length} bytes, expected 32${hint}`, {
      source: `public key ${quote(name)}`,
      field: 'key',
    });
  }
  if (!ed25519.utils.isValidPublicKey(bytes, false)) {
    throw new FormatError('not a valid Ed25519 public key', { source: `public key ${quote(name)}`, field: 'key' });
  }
  return Object.freeze({ name, bytes });
}

/** A whitespace-separated list of public keys, as in Nix's `trusted-public-keys` setting. */
export function parsePublicKeys(text: string): PublicKey[] {
  return text
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(parsePublicKey);
}

/** A secret key from a 32-byte Ed25519 seed. */
export function secretKeyFromSeed(name: string, seed: Uint8Array): SecretKey {
  return SecretKey.fromSeed(name, seed);
}

/**
 * A fresh key pair. Randomness comes from `randomBytes` if given, else from
 * `globalThis.crypto.getRandomValues` (present in Node 20, Electron and browsers).
 */
export function generateSecretKey(name: string, randomBytes: (n: number) => Uint8Array = cryptoRandomBytes): SecretKey {
  checkKeyName(name);
  const seed = randomBytes(32);
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new Error('randomBytes(32) must return 32 bytes');
  const key = SecretKey.fromSeed(name, seed);
  seed.fill(0);
  return key;
}

export function publicKeyOf(secret: SecretKey): PublicKey {
  return secret.publicKey;
}

/** The secret key file contents (`name:base64`, no trailing newline, like `nix key generate-secret`). */
export function formatSecretKey(secret: SecretKey): string {
  const all = new Uint8Array(64);
  all.set(seedOf(secret), 0);
  all.set(secret.publicKey.bytes, 32);
  const text = `${secret.name}:${encodeBase64(all)}`;
  all.fill(0);
  return text;
}

/** `name:base64`, as `nix key convert-secret-to-public` prints it (without its trailing newline). */
export function formatPublicKey(key: PublicKey): string {
  return `${key.name}:${encodeBase64(key.bytes)}`;
}

/** The 64-byte Ed25519 signature of `message`. */
export function signDetached(secret: SecretKey, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, seedOf(secret));
}

/**
 * Checks an Ed25519 signature strictly (RFC 8032: canonical encodings, no ZIP-215 leniency), which is
 * the behaviour of libsodium that Nix uses. Wrong lengths give false, never an exception.
 */
export function verifyDetached(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || key.bytes.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, key.bytes, { zip215: false });
  } catch {
    return false;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
