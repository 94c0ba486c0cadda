import { ApiError } from './errors';
import type { ClientOf, Contract, EventsOf, EventsSpec, JobHandle, JobOptions } from './define';
import { channelOf } from './define';
import type { ClientTransport, WireEvent, WireResponse } from './wire';

export interface ApiClient<C extends Contract, E extends EventsSpec> {
  api: ClientOf<C>;
  /** Listen to a pushed event; returns the unsubscribe function. */
  on<K extends keyof E & string>(name: K, listener: (payload: EventsOf<E>[K]) => void): () => void;
}

function unwrap(response: WireResponse): unknown {
  if (response.ok) return response.value;
  throw ApiError.fromWire(response.error);
}

let jobCounter = 0;
function newJobId(): string {
  const random = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
  jobCounter += 1;
  return `job-${Date.now().toString(36)}-${jobCounter}-${random}`;
}

/**
 * Derives the typed client from the contract: a plain object of plain functions (no Proxy), so
 * Electron's contextBridge can copy it into the page as it is.
 */
export function createClient<C extends Contract, E extends EventsSpec>(
  contract: C,
  _events: E,
  transport: ClientTransport,
): ApiClient<C, E> {
  const jobListeners = new Map<string, (event: Extract<WireEvent, { kind: 'job' }>) => void>();
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();

  transport.subscribe((event) => {
    if (event.kind === 'job') jobListeners.get(event.jobId)?.(event);
    else eventListeners.get(event.name)?.forEach((listener) => listener(event.payload));
  });

  transport.onDisconnect?.(() => {
    const error = { code: 'internal' as const, message: 'Lost the connection to Narwhal while this was running.' };
    for (const [jobId, listener] of [...jobListeners]) listener({ kind: 'job', jobId, state: 'failed', error });
  });

  const api: Record<string, Record<string, unknown>> = {};
  for (const [group, methods] of Object.entries(contract)) {
    const target: Record<string, unknown> = (api[group] = {});
    for (const [method, spec] of Object.entries(methods)) {
      const name = channelOf(group, method);
      if (spec.kind === 'call') {
        target[method] = async (input?: unknown) => unwrap(await transport.request({ kind: 'call', channel: name, input }));
      } else {
        target[method] = (input: unknown, options: JobOptions<unknown> = {}): JobHandle<unknown> => {
          const jobId = newJobId();
          let cancelled = false;
          const cancel = () => {
            if (cancelled) return;
            cancelled = true;
            void transport.request({ kind: 'job.cancel', jobId }).catch(() => undefined);
          };
          const result = new Promise<unknown>((resolve, reject) => {
            jobListeners.set(jobId, (event) => {
              if (event.state === 'progress') return options.onProgress?.(event.progress);
              jobListeners.delete(jobId);
              options.signal?.removeEventListener('abort', cancel);
              if (event.state === 'done') resolve(event.output);
              else reject(ApiError.fromWire(event.error));
            });
            transport.request({ kind: 'job.start', channel: name, jobId, input }).then((response) => {
              if (!response.ok) {
                jobListeners.delete(jobId);
                reject(ApiError.fromWire(response.error));
              }
            }, reject);
          });
          if (options.signal?.aborted) cancel();
          else options.signal?.addEventListener('abort', cancel, { once: true });
          return { id: jobId, result, cancel };
        };
      }
    }
  }

  return {
    api: api as ClientOf<C>,
    on(name, listener) {
      const set = eventListeners.get(name) ?? new Set();
      eventListeners.set(name, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
}

