import type { z } from 'zod';
import type { JobHost, JobPlan } from '../../../shared/api/define';
import { ApiError, toWireError } from '../../../shared/api/errors';
import type { JobState, JobView } from '../../../shared/api/jobs';
import { isFinished } from '../../../shared/api/jobs';
import { cancelController } from '../util/cancel-controller';

export interface JobRegistryOptions {
  /** Called with every change a window should see; progress at most once per `progressIntervalMs` per job. */
  onUpdate?: (view: JobView) => void;
  /** Where bugs are reported: a progress or output the contract's schema rejects, an unexpected failure. */
  log?: (line: string) => void;
  /** How many jobs run at once; the rest wait as `queued`. */
  concurrency?: number;
  /** How many finished jobs stay listed. */
  keepFinished?: number;
  progressIntervalMs?: number;
  /** Called when a job is dropped from the registry, so its owner can free what it kept for it. */
  onForget?: (view: JobView) => void;
  now?: () => number;
}

interface Entry {
  view: JobView;
  plan: JobPlan<unknown, unknown>;
  progressSchema: z.ZodType;
  outputSchema: z.ZodType;
  controller: AbortController;
  /** When progress was last sent, and whether a newer one waits for its turn. */
  lastSent: number;
  timer?: ReturnType<typeof setTimeout>;
  settled: Promise<void>;
  settle(): void;
}

/**
 * Every long piece of work (listing a cache, and later pushes, audits, garbage collection) runs here,
 * in the main process's services, not in the connection that asked for it: a window reload, a dropped
 * WebSocket or a second window neither stops a job nor loses sight of it. Windows learn of changes
 * through `onUpdate` (the API broadcasts them as `jobs.updated`) and can list, attach to and cancel any job.
 */
export class JobRegistry implements JobHost {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private runningCount = 0;
  private readonly concurrency: number;
  private readonly keepFinished: number;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(private readonly options: JobRegistryOptions = {}) {
    this.concurrency = options.concurrency ?? 4;
    this.keepFinished = options.keepFinished ?? 50;
    this.interval = options.progressIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  start(job: Parameters<JobHost['start']>[0]): JobView {
    if (this.entries.has(job.id)) throw new ApiError('conflict', `A job with id ${job.id} exists already.`);
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const entry: Entry = {
      view: {
        id: job.id,
        kind: job.kind,
        title: job.plan.title,
        state: 'queued',
        input: job.input,
        ...(job.plan.subject !== undefined ? { subject: job.plan.subject } : {}),
        createdAt: this.now(),
      },
      plan: job.plan,
      progressSchema: job.progressSchema,
      outputSchema: job.outputSchema,
      controller: cancelController(),
      lastSent: 0,
      settled,
      settle,
    };
    this.entries.set(job.id, entry);
    this.waiting.push(entry);
    this.publish(entry);
    // On the next turn, so the start request is answered before the job's first update.
    setTimeout(() => this.pump(), 0);
    return { ...entry.view };
  }

  get(id: string): JobView {
    const entry = this.entries.get(id);
    if (!entry) throw new ApiError('not-found', `No job with id ${id} (finished jobs are kept for a while, then forgotten).`);
    return { ...entry.view };
  }

  /** Newest first. */
  list(): JobView[] {
    return [...this.entries.values()].map((e) => ({ ...e.view })).reverse();
  }

  running(): JobView[] {
    return this.list().filter((view) => !isFinished(view.state));
  }

  cancel(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) throw new ApiError('not-found', `No job with id ${id}.`);
    if (isFinished(entry.view.state)) return;
    entry.controller.abort();
    if (entry.view.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      this.finish(entry, 'cancelled');
    }
  }

  dismiss(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (!isFinished(entry.view.state)) throw new ApiError('conflict', `${entry.view.title} is still running; cancel it first.`);
    this.forget(entry);
  }

  /** Cancels every job and waits (at most `timeoutMs`) for them to end: for quitting the app or `narwhal serve`. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    const pending = [...this.entries.values()].filter((e) => !isFinished(e.view.state));
    for (const entry of pending) this.cancel(entry.view.id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(pending.map((e) => e.settled)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private pump(): void {
    while (this.runningCount < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift()!;
      this.run(entry);
    }
  }

  private run(entry: Entry): void {
    this.runningCount += 1;
    entry.view.state = 'running';
    entry.view.startedAt = this.now();
    this.publish(entry);
    const { signal } = entry.controller;
    const progress = (value: unknown) => this.progress(entry, value);
    // Through a promise, so a job that throws synchronously fails that job and never the process.
    Promise.resolve()
      .then(() => entry.plan.run({ jobId: entry.view.id, signal, progress }))
      .then(
        (output) => {
          if (signal.aborted) return this.finish(entry, 'cancelled');
          const parsed = entry.outputSchema.safeParse(output);
          if (!parsed.success) {
            this.options.log?.(`bug: ${entry.view.kind} job ${entry.view.id} returned output its schema rejects: ${parsed.error.message}`);
            return this.finish(entry, 'failed', { code: 'internal', message: 'The job ended with a result Narwhal could not read (a bug; see the log).' });
          }
          this.finish(entry, 'done', undefined, parsed.data);
        },
        (e: unknown) => {
          if (signal.aborted) return this.finish(entry, 'cancelled');
          const error = toWireError(e);
          if (error.code === 'internal') this.options.log?.(`${entry.view.kind} job ${entry.view.id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          this.finish(entry, 'failed', error);
        },
      )
      .finally(() => {
        this.runningCount -= 1;
        this.pump();
      });
  }

  private progress(entry: Entry, value: unknown): void {
    if (entry.view.state !== 'running' || entry.controller.signal.aborted) return;
    const parsed = entry.progressSchema.safeParse(value);
    if (!parsed.success) {
      // A progress the contract rejects is our bug: say so where bugs go, and keep the last good one.
      this.options.log?.(`bug: ${entry.view.kind} job ${entry.view.id} reported progress its schema rejects: ${parsed.error.message}`);
      return;
    }
    entry.view.progress = parsed.data;
    if (entry.timer) return;
    const wait = entry.lastSent + this.interval - this.now();
    if (wait <= 0) return this.sendProgress(entry);
    entry.timer = setTimeout(() => this.sendProgress(entry), wait);
  }

  private sendProgress(entry: Entry): void {
    entry.timer = undefined;
    if (isFinished(entry.view.state)) return;
    entry.lastSent = this.now();
    this.publish(entry);
  }

  private finish(entry: Entry, state: JobState, error?: JobView['error'], output?: unknown): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.view.state = state;
    entry.view.endedAt = this.now();
    if (error) entry.view.error = error;
    if (state === 'cancelled') entry.view.error = { code: 'cancelled', message: 'Cancelled.' };
    if (output !== undefined) entry.view.output = output;
    // The final update carries the last progress too: a window always sees where the job stopped.
    this.publish(entry);
    entry.settle();
    this.trim();
  }

  private trim(): void {
    const finished = [...this.entries.values()].filter((e) => isFinished(e.view.state));
    for (const entry of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.forget(entry);
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.view.id);
    this.options.onForget?.({ ...entry.view });
  }

  private publish(entry: Entry): void {
    try {
      this.options.onUpdate?.({ ...entry.view });
    } catch (e) {
      this.options.log?.(`bug: publishing job ${entry.view.id} failed: ${(e as Error).message}`);
    }
  }
}
