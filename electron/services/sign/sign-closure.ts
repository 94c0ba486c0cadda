import { ApiError } from '../../../shared/api/errors';
import { cacheClosure } from './cache-closure';
import type { SignPathsOptions, SignProgress, SignSummary } from './sign-paths';
import { signPaths, targetOf } from './sign-paths';

export type SignClosureProgress = SignProgress | { phase: 'closure'; found: number; failed: number };

export interface SignClosureOptions extends Omit<SignPathsOptions, 'onProgress'> {
  /** With `paths`: sign their closure in the cache (References followed through its narinfos), not only them. */
  closure?: boolean;
  onProgress?: (progress: SignClosureProgress) => void;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * Refuses a request that cannot be signed before any work starts (and before a job is made for it):
 * paths and all together or neither, closure with all, a path that is no store path, base name or hash.
 */
export function checkSignRequest(request: { paths?: readonly string[]; all?: boolean; closure?: boolean }): void {
  if (request.all && request.paths?.length) throw new ApiError('invalid-input', 'Give paths to sign or all, not both.');
  if (!request.all && !request.paths?.length) throw new ApiError('invalid-input', 'Nothing to sign: give store paths, or all.');
  if (request.all && request.closure) throw new ApiError('invalid-input', 'All paths already include every closure: sign all, or the closure of some paths.');
  for (const path of request.paths ?? []) targetOf(path);
}

/**
 * `signPaths`, plus the closure option: with `closure`, the paths' closure as the cache records it is
 * found first, then signed. References whose narinfo the cache lacks (or cannot be read as one) are
 * failures in the summary, counted in its total, and the rest is signed all the same.
 */
export async function signClosure(options: SignClosureOptions): Promise<SignSummary> {
  const { closure, onProgress, ...rest } = options;
  checkSignRequest(options);
  if (!closure) return signPaths({ ...rest, onProgress });
  const { store, signal } = options;
  if (!store.writable) throw new ApiError('read-only', `${store.description} cannot be written; signing rewrites its narinfos.`);

  onProgress?.({ phase: 'closure', found: 0, failed: 0 });
  const walk = await cacheClosure(store, options.paths!, { signal, concurrency: options.concurrency, onProgress: (found, failed) => onProgress?.({ phase: 'closure', found, failed }) });
  const missing = walk.failed;
  if (walk.storePaths.length === 0) {
    onProgress?.({ phase: 'signing', done: missing.length, total: missing.length, signed: 0, alreadySigned: 0, failed: missing.length });
    return { signed: 0, alreadySigned: 0, failed: [...missing].sort(byPath), total: missing.length };
  }
  // The paths that could not be found count as looked at (and failed) from the start.
  const summary = await signPaths({
    ...rest,
    all: false,
    paths: walk.storePaths,
    onProgress: (p) =>
      onProgress?.(p.phase === 'signing' ? { ...p, done: p.done + missing.length, total: p.total + missing.length, failed: p.failed + missing.length } : p),
  });
  return { ...summary, failed: [...missing, ...summary.failed].sort(byPath), total: summary.total + missing.length };
}
