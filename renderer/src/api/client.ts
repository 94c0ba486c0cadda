import type { Bridge } from '../../../shared/api/bridge';
import { createBridge } from '../../../shared/api/bridge';
import type { ApiClient } from '../../../shared/api/client';
import { createClient } from '../../../shared/api/client';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import type { NarwhalContract, NarwhalEvents } from '../../../shared/api/contract';
import { contract, events } from '../../../shared/api/contract';
import type { ConnectionState } from './ws-transport';
import { createWebSocketTransport } from './ws-transport';

export type NarwhalClient = ApiClient<NarwhalContract, NarwhalEvents>;

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser shell. */
    narwhal?: Bridge;
  }
}

/**
 * The browser shell makes the same bridge the preload exposes, over the WebSocket. With the
 * `narwhal.bridgeModel` flag in localStorage (the end-to-end tests set it) the bridge reaches the page
 * through the model of contextBridge's copying rules, so every flow the tests drive crosses what the
 * desktop app's bridge would let through.
 */
function browserBridge(): Bridge {
  const bridge = createBridge(contract, events, createWebSocketTransport(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`));
  return localStorage.getItem('narwhal.bridgeModel') === '1' ? exposeAcrossModel(bridge, 'window.narwhal') : bridge;
}

/** The one way the page reaches the main process, whichever shell it runs in. */
export const client: NarwhalClient = createClient(contract, events, window.narwhal ?? browserBridge());

export const api = client.api;

// The desktop app's IPC never drops; the browser shell's WebSocket reports its state.
let connectionState: ConnectionState = window.narwhal ? 'open' : 'connecting';
client.onConnectionState((state) => {
  connectionState = state;
});

export const onConnectionState = (listener: (state: ConnectionState) => void): (() => void) => client.onConnectionState(listener);
export const currentConnectionState = (): ConnectionState => connectionState;
