import type { ApiClient } from '../../../shared/api/client';
import { createClient } from '../../../shared/api/client';
import type { NarwhalContract, NarwhalEvents } from '../../../shared/api/contract';
import { contract, events } from '../../../shared/api/contract';
import type { ConnectionState } from './ws-transport';
import { createWebSocketTransport } from './ws-transport';

export type NarwhalClient = ApiClient<NarwhalContract, NarwhalEvents>;

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser shell. */
    narwhal?: NarwhalClient;
  }
}

type StateListener = (state: ConnectionState) => void;
const stateListeners = new Set<StateListener>();
let connectionState: ConnectionState = 'open';

/** The one way the page reaches the main process, whichever shell it runs in. */
export const client: NarwhalClient =
  window.narwhal ??
  createClient(
    contract,
    events,
    createWebSocketTransport(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`, (state) => {
      connectionState = state;
      stateListeners.forEach((listener) => listener(state));
    }),
  );

export const api = client.api;

export function onConnectionState(listener: StateListener): () => void {
  stateListeners.add(listener);
  return () => stateListeners.delete(listener);
}

export const currentConnectionState = (): ConnectionState => connectionState;
