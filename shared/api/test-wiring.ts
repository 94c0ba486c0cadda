import type { Bridge } from './bridge';
import { createBridge } from './bridge';
import { createClient } from './client';
import type { Contract, EventsSpec } from './define';
import type { ApiServer, Connection } from './server';
import type { ClientTransport, ConnectionState, WireEvent } from './wire';

/**
 * For tests: a page's client wired to an API server in memory, each message round-tripping through
 * JSON as both real transports do. `crossing` stands for what sits between the bridge and the page
 * (the contextBridge model, or nothing). `drop()` and `restore()` play a lost and regained connection.
 */
export function wireClient<C extends Contract, E extends EventsSpec>(
  contract: C,
  events: E,
  server: ApiServer<E>,
  crossing: (bridge: Bridge) => Bridge = (bridge) => bridge,
) {
  const wire: unknown[] = [];
  const listeners = new Set<(event: WireEvent) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  let connection: Connection;
  let loseAnswers = 0;
  const connect = () =>
    (connection = server.connect((event) => {
      wire.push(event);
      listeners.forEach((listener) => listener(json(event)));
    }));
  connect();
  const transport: ClientTransport = {
    request: async (message) => {
      wire.push(message);
      const response = await connection.handle(json(message));
      wire.push(response);
      if (loseAnswers > 0) {
        // The server did the work, but the socket dropped before its answer reached the page.
        loseAnswers -= 1;
        return { ok: false, error: { code: 'disconnected', message: 'Lost the connection to Narwhal before it answered.' } };
      }
      return json(response);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onState: (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
  const client = createClient(contract, events, crossing(createBridge(contract, events, transport)));
  return {
    client,
    wire,
    get connection() {
      return connection;
    },
    /** The peer goes away (a reload, a dropped socket): the server closes its connection. */
    drop() {
      connection.close();
      stateListeners.forEach((listener) => listener('closed'));
    },
    /** The next answer is lost on the way back (after the server handled the request). */
    loseNextAnswer() {
      loseAnswers += 1;
    },
    restore() {
      connect();
      stateListeners.forEach((listener) => listener('open'));
    },
  };
}
