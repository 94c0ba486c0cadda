import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../shared/api/client';
import { contract, events } from '../../shared/api/contract';
import type { WireEvent, WireResponse } from '../../shared/api/wire';
import { eventChannel, requestChannel } from './ipc-binding';

// The page gets the typed API object derived from the contract, and nothing else: no ipcRenderer, no
// channel names, no event objects (listeners receive only the payload; `on` returns its unsubscribe).
const client = createClient(contract, events, {
  request: (message) => ipcRenderer.invoke(requestChannel, message) as Promise<WireResponse>,
  subscribe(listener) {
    const handler = (_event: unknown, message: WireEvent) => listener(message);
    ipcRenderer.on(eventChannel, handler);
    return () => void ipcRenderer.removeListener(eventChannel, handler);
  },
});

contextBridge.exposeInMainWorld('narwhal', client);
