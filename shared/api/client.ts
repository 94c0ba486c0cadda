import type { Bridge } from './bridge';
import type { CallOptions, ClientOf, Contract, EventsOf, EventsSpec, JobHandle, JobOptions } from './define';
import { ApiError } from './errors';
import type { JobView } from './jobs';
import { isFinished } from './jobs';
import type { ConnectionState, WireResponse } from './wire';

export interface ApiClient<C extends Contract, E extends EventsSpec> {
  api: ClientOf<C>;
  /** Listen to a pushed event; returns the unsubscribe function. */
  on<K extends keyof E & string>(name: K, listener: (payload: EventsOf<E>[K]) => void): () => void;
  /** Follows a job that is already running (after a reload, or started by another window). */
  attach<O = unknown, P = unknown>(jobId: string, options?: JobOptions<P>): JobHandle<O>;
  /** Connection state changes of the shell (the browser shell's WebSocket can drop and come back). */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
}

function unwrap(response: WireResponse): unknown {
  if (response.ok) return response.value;
  throw ApiError.fromWire(response.error);
}

let counter = 0;
/** Ids the page picks for its calls and jobs: unique per page, unguessable enough not to collide across pages. */
function newId(prefix: string): string {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  return `${prefix}-${Date.now().toString(36)}-${counter}-${random}`;
}

const cancelled = () => new ApiError('cancelled', 'Cancelled.');

interface Follower {
  onProgress?: (progress: unknown) => void;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/**
 * The typed client the page uses, built on a Bridge (see bridge.ts). It gives back what the bridge
 * cannot carry: calls take an AbortSignal (aborting sends a cancel for that call's id), failures are
 * ApiErrors with their code, and jobs are handles whose result settles when the job's registry says it
 * ended, however many reloads or reconnects happen in between.
 */
export function createClient<C extends Contract, E extends EventsSpec>(contract: C, _events: E, bridge: Bridge): ApiClient<C, E> {
  const followers = new Map<string, Set<Follower>>();
  /** The last progress handed to each followed job's listeners, as JSON, so the final update does not repeat it. */
  const lastProgress = new Map<string, string>();
  let disconnected = false;

  function deliver(view: JobView) {
    const set = followers.get(view.id);
    if (!set) return;
    // The final update carries the last progress, which coalescing may not have sent before.
    const progress = view.progress === undefined ? undefined : JSON.stringify(view.progress);
    if (progress !== undefined && progress !== lastProgress.get(view.id)) {
      lastProgress.set(view.id, progress);
      set.forEach((f) => f.onProgress?.(view.progress));
    }
    if (!isFinished(view.state)) return;
    followers.delete(view.id);
    lastProgress.delete(view.id);
    for (const f of set) {
      if (view.state === 'done') f.resolve(view.output);
      else if (view.state === 'cancelled') f.reject(cancelled());
      else f.reject(ApiError.fromWire(view.error ?? { code: 'internal', message: 'The job failed.' }));
    }
  }

  function failFollowers(jobId: string, error: Error) {
    followers.get(jobId)?.forEach((f) => f.reject(error));
    followers.delete(jobId);
    lastProgress.delete(jobId);
  }

  bridge.on('jobs.updated', (payload) => deliver(payload as JobView));

  // Jobs go on while the connection is down; when it is back, ask where the followed ones stand.
  bridge.onConnectionState((state) => {
    if (state === 'closed') disconnected = true;
    if (state !== 'open' || !disconnected) return;
    disconnected = false;
    for (const jobId of followers.keys()) void refresh(jobId);
  });

  /**
   * Asks where a job stands. When the answer is an error, only `failing` is told (attaching to a job
   * that does not exist fails that attach, not the handle that started it); without it, all followers.
   */
  async function refresh(jobId: string, failing?: Follower) {
    const response = await bridge.api.jobs!.get!({ jobId }).catch((e: unknown) => ({ ok: false as const, error: { code: 'internal' as const, message: String(e) } }));
    if (response.ok) return deliver(response.value as JobView);
    // Down again: the next reconnect asks once more.
    if (response.error.code === 'disconnected') return;
    const error = ApiError.fromWire(response.error);
    if (!failing) return failFollowers(jobId, error);
    const set = followers.get(jobId);
    if (!set?.delete(failing)) return;
    if (set.size === 0) followers.delete(jobId);
    failing.reject(error);
  }

  function follow(jobId: string, options: JobOptions<unknown>): JobHandle<unknown> & { follower?: Follower } {
    const { signal } = options;
    let created: Follower | undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const set = followers.get(jobId) ?? new Set();
      followers.set(jobId, set);
      const stopFollowing = () => {
        set.delete(follower);
        if (set.size === 0) {
          followers.delete(jobId);
          lastProgress.delete(jobId);
        }
        reject(cancelled());
      };
      // Settling removes the abort listener, so a long-lived signal does not collect followers.
      const follower: Follower = {
        onProgress: options.onProgress,
        resolve: (output) => {
          signal?.removeEventListener('abort', stopFollowing);
          resolve(output);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', stopFollowing);
          reject(error);
        },
      };
      set.add(follower);
      created = follower;
      signal?.addEventListener('abort', stopFollowing, { once: true });
    });
    return {
      id: jobId,
      result,
      follower: created,
      cancel: () => void bridge.api.jobs!.cancel!({ jobId }).catch(() => undefined),
    };
  }

  const api: Record<string, Record<string, unknown>> = {};
  for (const [group, methods] of Object.entries(contract)) {
    const target: Record<string, unknown> = (api[group] = {});
    for (const [method, spec] of Object.entries(methods)) {
      const send = bridge.api[group]![method]!;
      if (spec.kind === 'call') {
        target[method] = async (input?: unknown, options: CallOptions = {}) => {
          const { signal } = options;
          if (signal?.aborted) throw cancelled();
          const requestId = newId('r');
          // The answer races the page's own abort: the page stops waiting at once, and the main
          // process is told so it can stop its I/O.
          let onAbort = () => undefined as void;
          const aborted = new Promise<never>((_, reject) => {
            onAbort = () => {
              bridge.cancel(requestId);
              reject(cancelled());
            };
            signal?.addEventListener('abort', onAbort, { once: true });
          });
          try {
            return unwrap(await (signal ? Promise.race([send(input, requestId), aborted]) : send(input, requestId)));
          } finally {
            signal?.removeEventListener('abort', onAbort);
          }
        };
      } else {
        target[method] = (input: unknown, options: JobOptions<unknown> = {}): JobHandle<unknown> => {
          const jobId = newId('job');
          const { follower: _follower, ...handle } = follow(jobId, options);
          send(input, jobId).then(
            (response) => {
              if (response.ok) return deliver(response.value as JobView);
              // The connection dropped before the answer: the job may have started all the same. Keep
              // following; after the reconnect `jobs.get` tells (and says not-found if it never began).
              if (response.error.code === 'disconnected') return;
              failFollowers(jobId, ApiError.fromWire(response.error));
            },
            (e: unknown) => failFollowers(jobId, e instanceof Error ? e : new Error(String(e))),
          );
          return handle;
        };
      }
    }
  }

  return {
    api: api as ClientOf<C>,
    on(name, listener) {
      return bridge.on(name, listener as (payload: unknown) => void);
    },
    attach<O, P>(jobId: string, options: JobOptions<P> = {}): JobHandle<O> {
      const { follower, ...handle } = follow(jobId, options as JobOptions<unknown>);
      if (follower) void refresh(jobId, follower);
      return handle as JobHandle<O>;
    },
    onConnectionState: (listener) => bridge.onConnectionState(listener),
  };
}
