import type { PathEntry } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';

interface Listing {
  /** The cache it lists (shared/caches/identity.ts). */
  subject: string;
  entries: PathEntry[];
  /** Every page is in. */
  complete: boolean;
  /** Its job is over, complete or not. */
  ended: boolean;
}

/**
 * The entries of listing jobs, kept in the main process and read by the page in pages: a million
 * entries would be one 44 MB message, parsed on the page's main thread. A listing lives as long as its
 * job is in the job registry (the registry tells us when it forgets one), or until a newer listing of
 * the same cache completes: only the latest complete listing of a cache is worth keeping.
 */
export class Listings {
  private readonly byJob = new Map<string, Listing>();

  /** A new, empty listing for a job; `add` fills it as pages arrive; `close` says it is complete, `end` that the job stopped. */
  open(jobId: string, subject: string): { add(entries: readonly PathEntry[]): void; close(): number; end(): void } {
    const listing: Listing = { subject, entries: [], complete: false, ended: false };
    this.byJob.set(jobId, listing);
    return {
      add: (entries) => {
        for (const entry of entries) listing.entries.push(entry);
      },
      close: () => {
        listing.complete = listing.ended = true;
        // Older listings of this cache, finished or given up, are superseded (a page still reading one
        // hears not-found); a listing still running is left to finish.
        for (const [otherId, other] of this.byJob) {
          if (other !== listing && other.subject === subject && other.ended) this.byJob.delete(otherId);
        }
        return listing.entries.length;
      },
      end: () => {
        listing.ended = true;
      },
    };
  }

  page(jobId: string, offset: number, limit: number): { entries: PathEntry[]; total: number; complete: boolean } {
    const listing = this.byJob.get(jobId);
    if (!listing) throw new ApiError('not-found', `No listing for job ${jobId}; list the cache again.`);
    return { entries: listing.entries.slice(offset, offset + limit), total: listing.entries.length, complete: listing.complete };
  }

  forget(jobId: string): void {
    this.byJob.delete(jobId);
  }
}
