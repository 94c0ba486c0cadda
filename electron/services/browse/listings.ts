import type { PathEntry } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';

interface Listing {
  entries: PathEntry[];
  complete: boolean;
}

/**
 * The entries of listing jobs, kept in the main process and read by the page in pages: a million
 * entries would be one 44 MB message, parsed on the page's main thread. A listing lives as long as its
 * job is in the job registry (the registry tells us when it forgets one).
 */
export class Listings {
  private readonly byJob = new Map<string, Listing>();

  /** A new, empty listing for a job; `add` fills it as pages of keys arrive. */
  open(jobId: string): { add(entries: readonly PathEntry[]): void; close(): number } {
    const listing: Listing = { entries: [], complete: false };
    this.byJob.set(jobId, listing);
    return {
      add: (entries) => {
        for (const entry of entries) listing.entries.push(entry);
      },
      close: () => {
        listing.complete = true;
        return listing.entries.length;
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
