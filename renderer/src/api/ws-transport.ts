import type { ClientTransport, ConnectionState, WireEvent, WireRequest, WireResponse } from '../../../shared/api/wire';

export type { ConnectionState };

/** How long a request waits for the socket to (re)open before it fails. */
const waitForOpenMs = 30_000;

/**
 * The browser shell's transport: the API over one WebSocket to the loopback server that served this
 * page (its session cookie rides along). Requests carry ids; responses and events come back on the same
 * socket. If the socket drops, requests that were sent fail at once (their answers would never come),
 * requests made while it is down wait for the reconnect (or fail after 30 s), and it reconnects with
 * back-off. Jobs are not tied to the socket: the client asks where they stand after a reconnect.
 */
export function createWebSocketTransport(url: string): ClientTransport {
  const listeners = new Set<(event: WireEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const pending = new Map<number, (response: WireResponse) => void>();
  /** Requests waiting for an open socket. */
  const waiting = new Set<() => void>();
  let nextId = 1;
  let socket: WebSocket;
  let retryMs = 250;

  const setState = (state: ConnectionState) => stateListeners.forEach((listener) => listener(state));

  function connect() {
    setState('connecting');
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      retryMs = 250;
      setState('open');
      for (const wake of [...waiting]) wake();
    });
    socket.addEventListener('message', (message) => {
      let data: { id?: number; response?: WireResponse; event?: WireEvent };
      try {
        data = JSON.parse(String(message.data)) as typeof data;
      } catch {
        console.error('Narwhal: a message from the server was not JSON; ignored.');
        return;
      }
      if (data.event) listeners.forEach((listener) => listener(data.event!));
      else if (typeof data.id === 'number') {
        pending.get(data.id)?.(data.response!);
        pending.delete(data.id);
      }
    });
    socket.addEventListener('close', () => {
      setState('closed');
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'disconnected', message: 'Lost the connection to Narwhal before it answered.' } });
      pending.clear();
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    });
  }
  connect();

  /** Resolves once the socket is open; rejects after `waitForOpenMs`. */
  function whenOpen(): Promise<void> {
    if (socket.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        reject(new Error('No connection to Narwhal.'));
      }, waitForOpenMs);
      waiting.add(wake);
    });
  }

  return {
    async request(message: WireRequest): Promise<WireResponse> {
      try {
        await whenOpen();
      } catch (e) {
        return { ok: false, error: { code: 'disconnected', message: `${(e as Error).message} Is narwhal serve still running?` } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, request: message }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}
