import type { Contract, EventsSpec } from './define';
import { channelOf } from './define';
import type { ClientTransport, ConnectionState, WireResponse } from './wire';

/**
 * The API object a shell hands to the page: in Electron the preload exposes it with contextBridge,
 * in the browser shell the page makes it over the WebSocket. It is built to cross contextBridge as it
 * is, so it carries only what contextBridge carries (see context-bridge-model.ts):
 * - every function takes and returns plain data: strings, plain objects, arrays;
 * - a promise only as a function's return value, never inside an object;
 * - callbacks only as direct arguments; unsubscribing is a returned function;
 * - errors come back as data (`{ ok: false, error: { code, message } }`), because an Error thrown
 *   across contextBridge keeps its message but loses its `code`;
 * - no AbortSignal: a call is cancelled by the id the page gave it, a job by its id.
 * The page wraps it in the typed client (client.ts), which restores AbortSignals, ApiErrors and job handles.
 */
export interface Bridge {
  /** `api[group][method](input, id)`: for a call, `id` names it for `cancel`; for a job, it is the job's id. */
  api: Record<string, Record<string, (input: unknown, id?: string) => Promise<WireResponse>>>;
  /** Tells the main process that nobody waits for call `requestId` any more. */
  cancel(requestId: string): void;
  /** Listens to a pushed event; returns the function that stops listening. */
  on(name: string, listener: (payload: unknown) => void): () => void;
  /** Connection state changes (only the browser shell's WebSocket ever loses its peer). */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
}

/** Derives the bridge from the contract: one function per method, each a plain request on the transport. */
export function createBridge<C extends Contract, E extends EventsSpec>(contract: C, _events: E, transport: ClientTransport): Bridge {
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((event) => eventListeners.get(event.name)?.forEach((listener) => listener(event.payload)));

  const api: Bridge['api'] = {};
  for (const [group, methods] of Object.entries(contract)) {
    const target: Record<string, (input: unknown, id?: string) => Promise<WireResponse>> = (api[group] = {});
    for (const [method, spec] of Object.entries(methods)) {
      const channel = channelOf(group, method);
      target[method] =
        spec.kind === 'call'
          ? (input, requestId) => transport.request({ kind: 'call', channel, input, ...(requestId !== undefined ? { requestId } : {}) })
          : (input, jobId) => transport.request({ kind: 'job.start', channel, input, jobId: jobId ?? '' });
    }
  }

  return {
    api,
    cancel(requestId) {
      void transport.request({ kind: 'call.cancel', requestId }).catch(() => undefined);
    },
    on(name, listener) {
      const set = eventListeners.get(name) ?? new Set();
      eventListeners.set(name, set);
      // A wrapper of our own, so the same page function can subscribe twice and unsubscribe each once.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      return () => void set.delete(entry);
    },
    onConnectionState(listener) {
      return transport.onState?.(listener) ?? (() => undefined);
    },
  };
}
