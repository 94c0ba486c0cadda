import type { CompressionMethod } from '../../../shared/push/compression';

/** NARs at least this big are compressed on every core (zstd only); see compressionThreads. */
export const bigNarBytes = 128 * 2 ** 20;

/**
 * Threads of the codec for one NAR of a push, or of a copy that recompresses. One, since NARs are
 * compressed a worker per core at once; but a zstd NAR of 128 MiB or more would keep one core busy
 * for seconds while the others run out of NARs (a closure with one huge path), so zstd compresses it
 * on every core, in its multi-threaded mode (still one standard frame, and the same size within a
 * fraction of a percent). Not xz: its encoder takes about 100 MiB per thread at level 6, against a
 * 300 MB memory target.
 */
export function compressionThreads(method: CompressionMethod, narSize: number, cores: number): number {
  return method === 'zstd' && narSize >= bigNarBytes ? Math.max(1, cores) : 1;
}
