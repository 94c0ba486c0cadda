import type { Hash } from '../../../shared/nix/hash';
import { formatHash } from '../../../shared/nix/hash';
import type { CompressionMethod } from '../../../shared/push/compression';
import { narExtension } from '../../../shared/push/compression';

/**
 * Where a compressed NAR goes in a cache, named as Nix names it: `nar/<FileHash in nix32, no
 * "sha256:">.nar<ext>`. Named after the file's own hash, so two paths with identical NARs share one file.
 */
export function narFileKey(fileHash: Hash, compression: CompressionMethod): string {
  return `nar/${formatHash(fileHash, 'nix32', { prefix: false })}.nar${narExtension(compression)}`;
}
