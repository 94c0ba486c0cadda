import type { ClientTransport, WireEvent, WireRequest, WireResponse } from '../../../shared/api/wire';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The browser shell's transport: the API over one WebSocket to the loopback server that served this
 * page (the token cookie it set rides along). Requests carry ids; responses and events come back on
 * the same socket. If the socket drops, pending requests fail and it reconnects with back-off.
 */
export function createWebSocketTransport(url: string, onState?: (state: ConnectionState) => void): ClientTransport {
  const listeners = new Set<(event: WireEvent) => void>();
  const disconnectListeners = new Set<() => void>();
  const pending = new Map<number, (response: WireResponse) => void>();
  let nextId = 1;
  let socket: WebSocket;
  let opened: Promise<void>;
  let retryMs = 250;

  function connect() {
    onState?.('connecting');
    socket = new WebSocket(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('open', () => {
      retryMs = 250;
      onState?.('open');
    });
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as { id?: number; response?: WireResponse; event?: WireEvent };
      if (data.event) listeners.forEach((listener) => listener(data.event!));
      else if (typeof data.id === 'number') {
        pending.get(data.id)?.(data.response!);
        pending.delete(data.id);
      }
    });
    socket.addEventListener('close', () => {
      onState?.('closed');
      for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'internal', message: 'Lost the connection to Narwhal.' } });
      pending.clear();
      disconnectListeners.forEach((listener) => listener());
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    });
  }
  connect();

  return {
    async request(message: WireRequest): Promise<WireResponse> {
      await opened;
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
    onDisconnect(listener) {
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
  };
}
