import type { IndexRefreshProgress, IndexRefreshSummary } from '../../../../shared/api/contract';
import type { JobHandle } from '../../../../shared/api/define';
import type { JobView } from '../../../../shared/api/jobs';
import { api, client } from '../../api/client';

/** A refresh's progress and summary, as the contract's `index.refresh` job sends them. */
export type RefreshProgress = IndexRefreshProgress;
export type RefreshSummary = IndexRefreshSummary;

export interface RefreshSnapshot {
  jobId: string | null;
  running: boolean;
  progress: RefreshProgress | null;
  summary: RefreshSummary | null;
  error: Error | null;
  /** Changes whenever rows may have changed in the index (narinfos read, the refresh ended): the table reads its pages again. */
  generation: number;
}

/** Most recent first: a running refresh of this cache (by identity). */
export function pickRefreshJob(jobs: readonly JobView[], identity: string): JobView | undefined {
  return jobs.find((job) => job.kind === 'index.refresh' && job.subject === identity && (job.state === 'running' || job.state === 'queued'));
}

/**
 * The refresh of one cache's index as the page follows it. The refresh is a job in the main process:
 * it goes on when the user looks elsewhere or reloads. Opening the table attaches to a running
 * refresh of the cache or starts one, so the table shows the index as it was at once and then as it is.
 */
export class RefreshFollower {
  private snapshot: RefreshSnapshot = { jobId: null, running: false, progress: null, summary: null, error: null, generation: 0 };
  private readonly listeners = new Set<() => void>();
  private follow: AbortController | null = null;

  constructor(
    private readonly cacheId: string,
    private readonly identity: string,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RefreshSnapshot => this.snapshot;

  /** Attaches to this cache's running refresh, or starts one; once per follower (Refresh starts another). */
  async open(): Promise<void> {
    if (this.follow) return;
    this.follow = new AbortController();
    const signal = this.follow.signal;
    this.set({ running: true, error: null });
    try {
      const { jobs } = await api.jobs.list();
      if (signal.aborted) return;
      const found = pickRefreshJob(jobs, this.identity);
      if (found) return this.track(client.attach(found.id, this.options()), found.progress as RefreshProgress | undefined);
    } catch {
      // No job list: start a refresh of our own.
    }
    if (!signal.aborted) this.start();
  }

  refresh(): void {
    this.follow?.abort();
    this.follow = new AbortController();
    this.start();
  }

  /** Stops following (the job goes on; the Jobs panel can cancel it). */
  close(): void {
    this.follow?.abort();
    this.follow = null;
  }

  private options() {
    return { signal: this.follow!.signal, onProgress: (progress: RefreshProgress) => this.onProgress(progress) };
  }

  private start(): void {
    this.track(api.index.refresh({ cacheId: this.cacheId }, this.options()));
  }

  private track(handle: JobHandle<RefreshSummary>, progress?: RefreshProgress): void {
    const signal = this.follow!.signal;
    this.set({ jobId: handle.id, running: true, progress: progress ?? null, error: null });
    handle.result.then(
      (summary) => {
        if (!signal.aborted) this.set({ running: false, progress: null, summary, generation: this.snapshot.generation + 1 });
      },
      (error: Error) => {
        if (!signal.aborted) this.set({ running: false, progress: null, error, generation: this.snapshot.generation + 1 });
      },
    );
  }

  private onProgress(progress: RefreshProgress): void {
    // Rows change only as narinfos are read (and written in batches): only then read the pages again.
    const before = this.snapshot.progress;
    const moved = progress.read !== (before?.read ?? 0);
    this.set({ progress, ...(moved ? { generation: this.snapshot.generation + 1 } : {}) });
  }

  private set(change: Partial<RefreshSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    this.listeners.forEach((listener) => listener());
  }
}
