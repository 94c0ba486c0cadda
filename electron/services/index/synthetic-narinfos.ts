import { createHash } from 'node:crypto';
import { encodeNix32 } from '../../../shared/nix/nix32';
import { serialiseNarinfo } from '../../../shared/nix/narinfo';

/**
 * Valid narinfos of made-up paths, for tests and the index benchmark: what is measured there is listing
 * and reading, not NARs, so the NARs they name do not exist. Path `i` refers to path `i - 1`.
 */
export function syntheticHash(i: number, seed = 'narwhal'): string {
  return encodeNix32(createHash('sha256').update(`${seed}/${i}`).digest().subarray(0, 20));
}

export function syntheticNarinfo(i: number, options: { seed?: string; sigs?: string[] } = {}): { hash: string; key: string; storePath: string; text: string } {
  const seed = options.seed ?? 'narwhal';
  const hash = syntheticHash(i, seed);
  const storePath = `/nix/store/${hash}-synthetic-${i}`;
  const sha = (what: string) => ({ algo: 'sha256' as const, bytes: createHash('sha256').update(`${seed}/${what}/${i}`).digest() });
  const text = serialiseNarinfo({
    storePath,
    url: `nar/${encodeNix32(sha('file').bytes)}.nar.xz`,
    compression: 'xz',
    fileHash: sha('file'),
    fileSize: 1000 + i,
    narHash: sha('nar'),
    narSize: 4000 + i,
    references: i > 0 ? [`${syntheticHash(i - 1, seed)}-synthetic-${i - 1}`] : [],
    sigs: options.sigs ?? [],
    unknown: [],
  });
  return { hash, key: `${hash}.narinfo`, storePath, text };
}
