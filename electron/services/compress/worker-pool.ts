import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * A small pool of worker threads, one job per worker at a time. Workers are started on demand, up to
 * `size`, and kept for the next job; idle workers are unref'd so they never keep the process alive.
 * A worker whose job was cancelled or failed midway is terminated rather than reused: terminating is
 * the only way to stop native code that is compressing, and it frees everything the job held.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiters: { resolve: (w: Worker) => void; reject: (e: unknown) => void; signal?: AbortSignal; onAbort: () => void }[] = [];
  private live = 0;

  constructor(
    private readonly url: URL,
    readonly size: number = availableParallelism(),
  ) {}

  /** A worker for one job; waits (in order) while all `size` workers are busy. */
  acquire(signal?: AbortSignal): Promise<Worker> {
    signal?.throwIfAborted();
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(this.busy(ready));
    if (this.live < this.size) {
      this.live++;
      return Promise.resolve(this.busy(this.spawn()));
    }
    return new Promise<Worker>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /**
   * Starts workers now, up to `count` (at most the pool's size), idle until a job takes them: a
   * worker takes tens of milliseconds to boot, which a caller that knows compression is coming (a
   * push, while it reads the closure and lists the cache) can overlap with its own work.
   */
  prestart(count: number = this.size): void {
    while (this.live < Math.min(count, this.size)) {
      this.live++;
      const worker = this.spawn();
      worker.unref();
      this.idle.push(worker);
    }
  }

  /** Gives back a worker whose job ended cleanly. */
  release(worker: Worker): void {
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    const next = this.waiters.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(worker);
      return;
    }
    worker.unref();
    this.idle.push(worker);
  }

  /** Ends a worker whose job did not end cleanly; a waiting job gets a fresh one. */
  discard(worker: Worker): void {
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    // After terminate() the worker's own 'error' events are of no interest; keep one listener so
    // a late one cannot crash the process.
    worker.on('error', () => {});
    void worker.terminate();
    const next = this.waiters.shift();
    if (next) {
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(this.busy(this.spawn()));
    } else {
      this.live--;
    }
  }

  /** Terminates every idle worker (busy ones end when their jobs do). */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    this.live -= idle.length;
    await Promise.all(idle.map((w) => w.terminate()));
  }

  /** Workers started and not discarded: busy plus idle. */
  get started(): number {
    return this.live;
  }

  private spawn(): Worker {
    const worker = new Worker(this.url);
    // A worker that dies with no job (it should not) is simply forgotten.
    worker.on('exit', () => {
      const i = this.idle.indexOf(worker);
      if (i >= 0) {
        this.idle.splice(i, 1);
        this.live--;
      }
    });
    return worker;
  }

  private busy(worker: Worker): Worker {
    worker.ref();
    return worker;
  }
}
