import type { LocalPathInfo } from '../../../shared/nix/closure';
import { NarinfoOrder } from '../../../shared/push/plan';
import { compressionPool } from '../compress/compress';

/**
 * NARs in flight when the caller does not say: two more than the NARs compressed at once, which is
 * one per compression worker (one per core), at most 8. A job keeps its slot while its NAR is
 * compressed and then while it is uploaded (for a folder: fsynced and renamed) and its narinfo
 * written; with no more jobs than workers, a worker sat idle through each of those steps, and a
 * waiting job reads its first chunks before a worker is free. Measured with bench/push.ts (zstd,
 * 190 MiB in 40 paths, 2 cores): 2 jobs 1.33 s, 3 1.24 s, 4 1.20 s, 6 1.27 s. The cap of 8 bounds
 * memory on many-core machines: xz at level 6 takes about 100 MiB per NAR it compresses (`--jobs`
 * asks for more).
 */
export function defaultJobs(): number {
  return jobsFor(compressionPool().size);
}

/** defaultJobs for a machine with `workers` compression workers. */
export function jobsFor(workers: number): number {
  return Math.min(Math.max(1, workers), 8) + 2;
}

export interface UploadInOrderOptions {
  /** The paths to upload, references before referrers (planPush's `toPush`). */
  paths: readonly LocalPathInfo[];
  /** NARs prepared and uploaded at once (see defaultJobs). */
  jobs: number;
  signal?: AbortSignal;
  /** Prepares and uploads the NAR of one path (and whatever else must precede its narinfo). */
  uploadNar(info: LocalPathInfo): Promise<void>;
  /** Writes the narinfo of one path, once its NAR and its references' narinfos are in the cache. */
  writeNarinfo(info: LocalPathInfo): Promise<void>;
}

/**
 * The one schedule of push and copy: NARs go up `jobs` at a time in any order, and each narinfo is
 * written as soon as NarinfoOrder allows (after its NAR and the narinfos of all its references), so
 * whatever moment the process dies, every narinfo in the cache has its NAR and its closure.
 *
 * The first failure stops the others from taking new paths; they finish what they hold (so a caller's
 * clean-up runs after all work ended), and the first error is what the caller hears.
 */
export async function uploadInOrder(options: UploadInOrderOptions): Promise<void> {
  const { signal } = options;
  const order = new NarinfoOrder({ toPush: [...options.paths] });
  const byPath = new Map(options.paths.map((info) => [info.path, info]));

  async function writeNarinfos(paths: string[]): Promise<void> {
    for (const path of paths) {
      await options.writeNarinfo(byPath.get(path)!);
      await writeNarinfos(order.narinfoWritten(path));
    }
  }

  const queue = [...options.paths];
  const worker = async () => {
    for (let info = queue.shift(); info; info = queue.shift()) {
      signal?.throwIfAborted();
      await options.uploadNar(info);
      await writeNarinfos(order.narUploaded(info.path));
    }
  };
  const results = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(options.jobs, queue.length)) }, () =>
      worker().catch((e: unknown) => {
        queue.length = 0;
        throw e;
      }),
    ),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
