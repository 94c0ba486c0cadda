/** fast-check generators of valid values, for the property tests. */
import fc from 'fast-check';
import { renderContentAddress, type ContentAddressMethod } from '../content-address';
import type { Hash } from '../hash';
import type { Narinfo } from '../narinfo';
import { NIX32_ALPHABET } from '../nix32';

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=';

export const storeHash = fc.string({ unit: fc.constantFrom(...NIX32_ALPHABET), minLength: 32, maxLength: 32 });

export const storeName = fc
  .tuple(
    fc.constantFrom(...NAME_CHARS.replace('.', '')),
    fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 30 }),
  )
  .map(([a, b]) => a + b);

export const basename = fc.tuple(storeHash, storeName).map(([h, n]) => `${h}-${n}`);

export const sha256 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes): Hash => ({ algo: 'sha256', bytes }));

/** Any string without a newline. */
export const lineValue = (min = 0) =>
  fc.string({ unit: fc.oneof(fc.constantFrom('a', ' ', ':', 'é', '😀', '\r', '\t'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: min, maxLength: 30 }).filter((s) => !s.includes('\n'));

const knownKeys = ['StorePath', 'URL', 'Compression', 'FileHash', 'FileSize', 'NarHash', 'NarSize', 'References', 'Deriver', 'Sig', 'CA'];

export const unknownKey = fc
  .oneof(fc.constantFrom('System', 'Provenance', 'storepath', ' Sig', ''), lineValue())
  .filter((k) => !k.includes(':') && !knownKeys.includes(k));

export const contentAddress = fc
  .tuple(fc.constantFrom<ContentAddressMethod>('text', 'flat', 'nar', 'git'), sha256)
  .map(([method, hash]) => renderContentAddress({ method, hash }));

export const size = (min: number) => fc.oneof(fc.integer({ min, max: 1_000_000 }), fc.integer({ min, max: Number.MAX_SAFE_INTEGER }));

export const narinfo: fc.Arbitrary<Narinfo> = fc
  .record(
    {
      storeDir: fc.constantFrom('/nix/store', '/tmp/store', '/a'),
      basename,
      url: lineValue(1),
      compression: fc.oneof(fc.constantFrom('xz', 'zstd', 'bzip2', 'none', 'br'), lineValue(1)),
      compressionOmitted: fc.boolean(),
      fileHash: sha256,
      fileSize: size(0),
      narHash: sha256,
      narSize: size(1),
      references: fc.array(basename, { maxLength: 5 }),
      deriver: basename.map((b) => `${b}.drv`),
      sigs: fc.array(lineValue(), { maxLength: 4 }),
      ca: contentAddress,
      unknown: fc.array(fc.record({ key: unknownKey, value: lineValue() }), { maxLength: 3 }),
    },
    { requiredKeys: ['storeDir', 'basename', 'url', 'compression', 'narHash', 'narSize', 'references', 'sigs', 'unknown'] },
  )
  .map(({ storeDir, basename: b, compressionOmitted, ...rest }) => {
    const info: Narinfo = { storePath: `${storeDir}/${b}`, ...rest };
    if (compressionOmitted) {
      info.compression = 'bzip2';
      info.compressionOmitted = true;
    }
    return info;
  });
