import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from '../../shared/api/bridge';
import { contract, events } from '../../shared/api/contract';
import type { WireEvent, WireResponse } from '../../shared/api/wire';
import { eventChannel, requestChannel } from './ipc-binding';

// The page gets the bridge derived from the contract, and nothing else: no ipcRenderer, no channel
// names, no event objects (listeners receive only the payload; `on` returns its unsubscribe). The
// bridge passes only what contextBridge carries (plain data, functions, promises as return values);
// shared/api/context-bridge-model.ts checks that in the tests, and the page-side client
// (shared/api/client.ts) turns it back into typed calls with AbortSignals and job handles.
const bridge = createBridge(contract, events, {
  request: (message) => ipcRenderer.invoke(requestChannel, message) as Promise<WireResponse>,
  subscribe(listener) {
    const handler = (_event: unknown, message: WireEvent) => listener(message);
    ipcRenderer.on(eventChannel, handler);
    return () => void ipcRenderer.removeListener(eventChannel, handler);
  },
});

contextBridge.exposeInMainWorld('narwhal', bridge);
