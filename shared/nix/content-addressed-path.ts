import { sha256 } from '@noble/hashes/sha2.js';
import { parseContentAddress, type ContentAddress } from './content-address';
import { FormatError } from './errors';
import { formatHash, hashEquals, type Hash } from './hash';
import { encodeNix32 } from './nix32';
import { parseStoreBasename, parseStorePath, storeDirOf } from './store-path';
import { sortedUnique, utf8Encode } from './text';

/** Nix's compressHash: XOR-folds a digest into `size` bytes (store path hashes are 20 bytes). */
function compressHash(digest: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < digest.length; i++) out[i % size]! ^= digest[i]!;
  return out;
}

/** Nix's Store::makeStorePath: `<type>:<algo>:<hex>:<storeDir>:<name>`, hashed and folded to 20 bytes. */
function makeStorePath(type: string, hash: Hash, storeDir: string, name: string): string {
  const s = `${type}:${formatHash(hash, 'base16')}:${storeDir}:${name}`;
  return `${storeDir}/${encodeNix32(compressHash(sha256(utf8Encode(s)), 20))}-${name}`;
}

/** Nix's makeType: the type, then `:<full path>` for each reference (sorted), then `:self`. */
function makeType(type: string, references: readonly string[], selfReference: boolean): string {
  return [type, ...sortedUnique(references), ...(selfReference ? ['self'] : [])].join(':');
}

/**
 * The store path a content address gives a store object, as Nix computes it (Store::makeTextPath and
 * Store::makeFixedOutputPath):
 * - `text:sha256:H` → type `text` with the references;
 * - `fixed:r:sha256:H` (a NAR hash) → type `source` with the references and `self`;
 * - any other fixed (flat, git, or a NAR hash other than sha256) → `output:out` over the hash of
 *   `fixed:out:[r:|git:]<algo>:<hex>:`; such objects cannot have references.
 * `references` are full store paths, not including the path itself (say `selfReference` instead).
 */
export function contentAddressedStorePath(input: { name: string; storeDir: string; ca: ContentAddress; references: readonly string[]; selfReference: boolean }): string {
  const { name, storeDir, ca, references, selfReference } = input;
  if (ca.method === 'text') {
    if (selfReference) throw new FormatError('a text content-addressed path cannot refer to itself');
    return makeStorePath(makeType('text', references, false), ca.hash, storeDir, name);
  }
  if (ca.method === 'nar' && ca.hash.algo === 'sha256') {
    return makeStorePath(makeType('source', references, selfReference), ca.hash, storeDir, name);
  }
  if (references.length > 0 || selfReference) {
    throw new FormatError(`a content address "${ca.method === 'flat' ? 'fixed' : ca.method === 'git' ? 'fixed:git' : 'fixed:r'}:${ca.hash.algo}:…" cannot have references`);
  }
  const prefix = ca.method === 'nar' ? 'r:' : ca.method === 'git' ? 'git:' : '';
  const inner = { algo: 'sha256', bytes: sha256(utf8Encode(`fixed:out:${prefix}${formatHash(ca.hash, 'base16')}:`)) } as const;
  return makeStorePath('output:out', inner, storeDir, name);
}

/**
 * Whether Nix takes a narinfo's path as content-addressed, and so trusts it without any signature
 * (ValidPathInfo::isContentAddressed, checked before signatures): it has a `CA` field, and the store
 * path that content address gives, from the path's name and references, is the path itself. Any other
 * `CA` "claims to be content-addressed but isn't", and Nix falls back to signatures.
 * - `content-addressed`: trusted by its hash;
 * - `not-content-addressed`: no `CA` field;
 * - `mismatch`: a `CA` that does not give this path (or cannot be parsed); `reason` says how.
 */
export type ContentAddressCheck =
  | { status: 'content-addressed'; ca: ContentAddress }
  | { status: 'not-content-addressed' }
  | { status: 'mismatch'; reason: string };

export function checkContentAddressed(info: { storePath: string; ca?: string; references: readonly string[]; narHash: Hash }): ContentAddressCheck {
  if (info.ca === undefined) return { status: 'not-content-addressed' };
  let ca: ContentAddress;
  let expected: string;
  try {
    ca = parseContentAddress(info.ca);
    const path = parseStorePath(info.storePath, storeDirOf(info.storePath));
    const refs = info.references.map((r) => `${path.storeDir}/${parseStoreBasename(r.includes('/') ? r.slice(r.lastIndexOf('/') + 1) : r).basename}`);
    const selfReference = refs.includes(path.path);
    expected = contentAddressedStorePath({ name: path.name, storeDir: path.storeDir, ca, references: refs.filter((r) => r !== path.path), selfReference });
  } catch (e) {
    if (e instanceof FormatError) return { status: 'mismatch', reason: `its CA field is not usable: ${e.message}` };
    throw e;
  }
  if (expected !== info.storePath) {
    return { status: 'mismatch', reason: `its CA field gives the path ${expected}, not this one (Nix: "claims to be content-addressed but isn't")` };
  }
  // For a NAR-hashed path the content address is the NAR's hash: Nix refuses to import a NAR whose hash
  // differs from the CA, so a narinfo whose NarHash disagrees is not one Nix would accept.
  if (ca.method === 'nar' && ca.hash.algo === 'sha256' && !hashEquals(ca.hash, info.narHash)) {
    return { status: 'mismatch', reason: `its CA hash ${formatHash(ca.hash)} is not its NarHash ${formatHash(info.narHash)}` };
  }
  return { status: 'content-addressed', ca };
}
