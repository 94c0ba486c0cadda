import type { CacheStore } from '../stores/cache-store';
import type { IncompleteUpload, S3Store } from '../stores/s3-store';

/**
 * A push killed in the middle of a multipart upload (SIGKILL, power loss, a crash) cannot send
 * AbortMultipartUpload: the upload stays in the bucket, invisible to listings, and its parts are billed
 * as storage until someone aborts it. The next push that uploads sweeps them: it aborts the
 * incomplete uploads under `nar/` started more than a day ago. A younger one may be a push running on
 * another machine right now, whose upload must not be pulled from under it; those are only counted.
 * A bucket lifecycle rule with AbortIncompleteMultipartUpload is the durable fix (the README says so).
 */

/** Uploads started longer ago than this are aborted; younger ones are left alone. */
export const defaultSweepAgeMs = 24 * 60 * 60 * 1000;
/** Where pushes upload NARs, the only keys large enough to go up in parts. */
const narPrefix = 'nar/';

/** A store with incomplete multipart uploads to sweep: an S3 bucket. */
type Sweepable = CacheStore & Pick<S3Store, 'abortIncompleteUploads'>;

const sweepable = (store: CacheStore): store is Sweepable => typeof (store as Partial<Sweepable>).abortIncompleteUploads === 'function';

export interface MultipartSweep {
  /** Where: the store's description. */
  where: string;
  olderThanMs: number;
  /** Uploads aborted: started more than `olderThanMs` ago. */
  aborted: number;
  /** Uploads left: started since (maybe a live push elsewhere), or of unknown age. */
  kept: number;
  /** Why the bucket could not be swept (e.g. its policy denies ListBucketMultipartUploads); the push goes on. */
  error?: string;
}

/**
 * Aborts the incomplete multipart uploads under `nar/` started more than `olderThanMs` ago (default
 * 24 h). Stores without multipart uploads (folders) give undefined. Best effort: a failure is returned
 * as `error`, not thrown, since the push does not need it; a cancel is thrown.
 */
export async function sweepIncompleteUploads(
  store: CacheStore,
  options: { olderThanMs?: number; now?: () => number; signal?: AbortSignal } = {},
): Promise<MultipartSweep | undefined> {
  if (!sweepable(store)) return undefined;
  const olderThanMs = options.olderThanMs ?? defaultSweepAgeMs;
  const now = (options.now ?? Date.now)();
  // Unknown age counts as young: only an upload proven old is aborted.
  const old = (upload: IncompleteUpload) => upload.initiated !== undefined && now - upload.initiated.getTime() >= olderThanMs;
  try {
    const { aborted, kept } = await store.abortIncompleteUploads(narPrefix, old, { signal: options.signal });
    return { where: store.description, olderThanMs, aborted: aborted.length, kept: kept.length };
  } catch (e) {
    options.signal?.throwIfAborted();
    return { where: store.description, olderThanMs, aborted: 0, kept: 0, error: (e as Error).message };
  }
}

function formatAge(ms: number): string {
  if (ms >= 60 * 60 * 1000) return `${Math.round(ms / (60 * 60 * 1000))} h`;
  if (ms >= 60 * 1000) return `${Math.round(ms / (60 * 1000))} min`;
  return `${Math.round(ms / 1000)} s`;
}

const uploads = (n: number) => `${n} incomplete multipart upload${n === 1 ? '' : 's'}`;
const lifecycleHint = 'A lifecycle rule with AbortIncompleteMultipartUpload on the bucket removes them for good.';

/** What to tell the user about a sweep (undefined when there is nothing to say). */
export function sweepNote(sweep: MultipartSweep | undefined): string | undefined {
  if (!sweep) return undefined;
  if (sweep.error !== undefined) return `note: could not look for incomplete multipart uploads that killed pushes left in ${sweep.where}: ${sweep.error}`;
  const age = formatAge(sweep.olderThanMs);
  const said: string[] = [];
  if (sweep.aborted > 0) said.push(`aborted ${uploads(sweep.aborted)} under nar/ in ${sweep.where} that killed pushes left more than ${age} ago (their parts are billed as storage).`);
  if (sweep.kept > 0) {
    said.push(
      `${sweep.aborted > 0 ? 'It has' : `${sweep.where} has`} ${uploads(sweep.kept)} under nar/ started less than ${age} ago, ` +
        `left alone as they may be pushes running elsewhere; a push after they are ${age} old aborts them.`,
    );
  }
  if (said.length === 0) return undefined;
  return `note: ${said.join(' ')} ${lifecycleHint}`;
}
