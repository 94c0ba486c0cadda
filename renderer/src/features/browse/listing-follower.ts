import type { JobHandle } from '../../../../shared/api/define';
import type { PathEntry } from '../../../../shared/api/contract';
import { maxPathsPage } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { api, client } from '../../api/client';

export interface ListingProgress {
  listed: number;
  pages: number;
}

export interface ListingSnapshot {
  jobId: string | null;
  /** The entries read so far; a new array whenever it grows. Undefined until the first page arrived. */
  entries: PathEntry[] | undefined;
  listing: boolean;
  progress: ListingProgress | null;
  error: Error | null;
}

/** Following one listing job: its entries read so far, and its one pull at a time. */
interface Run {
  jobId: string;
  signal: AbortSignal;
  entries: PathEntry[];
  ended: boolean;
  pulling: boolean;
  /** Asked to pull while a pull ran: pull once more when it ends. */
  again: boolean;
}

const initial: ListingSnapshot = { jobId: null, entries: undefined, listing: false, progress: null, error: null };

/** Most recent first: a running listing of this cache, or the last one that completed. */
export function pickListingJob(jobs: readonly JobView[], identity: string, options: { runningOnly?: boolean } = {}): JobView | undefined {
  const ofCache = jobs.filter((job) => job.kind === 'browse.listPaths' && job.subject === identity);
  const running = ofCache.find((job) => job.state === 'running' || job.state === 'queued');
  return options.runningOnly ? running : (running ?? ofCache.find((job) => job.state === 'done'));
}

/**
 * The listing of one cache as the page follows it. The listing itself is a job in the main process:
 * it goes on when the user looks at another cache, reloads the page or opens a second window. This
 * object finds that job (or starts one), follows its progress, and reads its entries in pages as they
 * come (never one message of a million entries).
 */
export class ListingFollower {
  private snapshot: ListingSnapshot = initial;
  private readonly listeners = new Set<() => void>();
  private follow: AbortController | null = null;
  /** The job followed now; a Refresh replaces it, and whatever the old one still does is ignored. */
  private run: Run | null = null;
  /** Why the job failed, and why reading its pages failed (a dropped connection; the next pull may succeed). */
  private jobError: Error | null = null;
  private pullError: Error | null = null;

  constructor(
    private readonly cacheId: string,
    private readonly identity: string,
    /** Set when an earlier listing is known to be stale (the cache broke since): never reuse a finished one. */
    private readonly fresh = false,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ListingSnapshot => this.snapshot;

  /** Attaches to this cache's running or finished listing, or starts one. */
  async open(): Promise<void> {
    if (this.follow) return;
    this.follow = new AbortController();
    this.set({ listing: true, error: null });
    try {
      const { jobs } = await api.jobs.list();
      const found = pickListingJob(jobs, this.identity, { runningOnly: this.fresh });
      if (found) return this.track(client.attach(found.id, this.options()), found.progress as ListingProgress | undefined);
    } catch {
      // No job list: start a listing of our own.
    }
    this.start();
  }

  /** A new listing, whatever the old one was doing (the old job goes on until it ends or is cancelled). */
  refresh(): void {
    this.follow?.abort();
    this.follow = new AbortController();
    this.start();
  }

  /** Stop following (the job itself goes on; the Jobs panel can cancel it). */
  close(): void {
    this.follow?.abort();
    this.follow = null;
  }

  private options() {
    const signal = this.follow!.signal;
    return { signal, onProgress: (progress: ListingProgress) => this.onProgress(progress) };
  }

  private start(): void {
    this.track(api.browse.listPaths({ cacheId: this.cacheId }, this.options()));
  }

  private track(handle: JobHandle<{ total: number }>, progress?: ListingProgress): void {
    const signal = this.follow!.signal;
    const run: Run = { jobId: handle.id, signal, entries: [], ended: false, pulling: false, again: false };
    this.run = run;
    this.jobError = this.pullError = null;
    this.set({ jobId: handle.id, entries: undefined, listing: true, progress: progress ?? { listed: 0, pages: 0 }, error: null });
    if (progress?.listed) void this.pull(run);
    handle.result.then(
      () => {
        if (signal.aborted) return;
        run.ended = true;
        void this.pull(run);
      },
      (error: Error) => {
        if (signal.aborted) return;
        this.jobError = error;
        this.set({ listing: false, progress: null });
      },
    );
  }

  private onProgress(progress: ListingProgress): void {
    this.set({ progress });
    if (this.run) void this.pull(this.run);
  }

  /** Reads the pages of `run`'s job that appeared since its last pull; one pull at a time per job, repeated if asked meanwhile. */
  private async pull(run: Run): Promise<void> {
    if (run.pulling) {
      run.again = true;
      return;
    }
    run.pulling = true;
    const { signal } = run;
    try {
      do {
        run.again = false;
        let complete = false;
        for (;;) {
          const page = await api.browse.pathsPage({ jobId: run.jobId, offset: run.entries.length, limit: maxPathsPage }, { signal });
          if (signal.aborted) return;
          run.entries = run.entries.concat(page.entries);
          complete = page.complete && run.entries.length >= page.total;
          if (page.entries.length === 0 || run.entries.length >= page.total) break;
        }
        const done = complete && run.ended;
        this.pullError = null;
        this.set({ entries: run.entries, ...(done ? { listing: false, progress: null } : {}) });
      } while (run.again && !signal.aborted);
    } catch (error) {
      if (!signal.aborted) {
        this.pullError = error as Error;
        this.set({});
      }
    } finally {
      run.pulling = false;
    }
  }

  private set(change: Partial<ListingSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change, error: this.jobError ?? this.pullError };
    this.listeners.forEach((listener) => listener());
  }
}
