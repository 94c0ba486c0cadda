import { ApiError } from '../../../shared/api/errors';

const MiB = 1024 * 1024;

/**
 * The most a small cache file may be before Narwhal refuses to read it. A narinfo is a few hundred
 * bytes and nix-cache-info a few lines: a hostile cache must not be able to fill memory through them
 * (resolving names reads hundreds of narinfos, 16 at a time).
 */
export const smallObjectLimit = MiB;

/** The read cap for `key` when the caller gives none: 1 MiB for narinfos and nix-cache-info, none for the rest. */
export function defaultReadLimit(key: string): number | undefined {
  return key === 'nix-cache-info' || key.endsWith('.narinfo') ? smallObjectLimit : undefined;
}

function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/** The error for an object larger than `limit`; `size` when known (Content-Length, stat), else only "more than". */
export function tooLarge(key: string, where: string, limit: number, size?: number): ApiError {
  const what = key === 'nix-cache-info' ? 'nix-cache-info file' : key.endsWith('.narinfo') ? 'narinfo' : 'file Narwhal reads whole';
  const actual = size !== undefined ? `${size} bytes` : `more than ${formatBytes(limit)}`;
  return new ApiError('bad-format', `${key} of ${where} is ${actual}, more than the ${formatBytes(limit)} a ${what} may be; Narwhal did not read it.`);
}

/**
 * Collects a body stream, stopping as soon as it passes `limit` bytes (whatever Content-Length said,
 * if anything): the stream is then destroyed through `cancel` and a clear error thrown.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array>,
  limit: number | undefined,
  tooLargeError: () => Error,
  cancel: () => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (limit !== undefined && total > limit) {
      cancel();
      throw tooLargeError();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
