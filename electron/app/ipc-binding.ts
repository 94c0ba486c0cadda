import type { Connection } from '../../shared/api/server';
import type { WireEvent, WireResponse } from '../../shared/api/wire';

/** The origin the renderer is served from inside Electron (see main.ts: a custom protocol, never file://). */
export const appOrigin = 'app://narwhal';
export const requestChannel = 'narwhal:request';
export const eventChannel = 'narwhal:event';

/**
 * Is this IPC message from our own page? Checked on every message (Electron checklist item 17): the
 * frame must be the top frame of a window we made, showing a page of our own origin. An iframe, a page
 * navigated elsewhere, or any other webContents gets nothing.
 */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, senderId: number, ourIds: ReadonlySet<number>): boolean {
  if (!frame || frame.parent !== null || !ourIds.has(senderId)) return false;
  try {
    return new URL(frame.url).origin === appOrigin || frame.url.startsWith(`${appOrigin}/`);
  } catch {
    return false;
  }
}

/** The structural part of ipcMain we use, so this binding is testable without Electron. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { sender: { id: number }; senderFrame: { url: string; parent: unknown } | null }, message: unknown) => Promise<WireResponse>): void;
}

export interface WindowLike {
  webContents: { id: number; send(channel: string, event: WireEvent): void; once(event: 'destroyed', listener: () => void): void };
}

/**
 * Binds the API server to Electron's IPC: one handler for all requests (the contract does the routing
 * and validation), one Connection per window so its calls in flight end with it (jobs live in the
 * job registry and outlive it), events pushed per window.
 */
export function bindIpc(ipcMain: IpcMainLike, connect: (send: (event: WireEvent) => void) => Connection) {
  const connections = new Map<number, Connection>();
  ipcMain.handle(requestChannel, async (event, message) => {
    const connection = connections.get(event.sender.id);
    if (!connection || !isTrustedSender(event.senderFrame, event.sender.id, new Set(connections.keys()))) {
      return { ok: false, error: { code: 'access-denied', message: 'This page may not use the Narwhal API.' } };
    }
    return connection.handle(message);
  });
  return {
    attach(window: WindowLike) {
      const { webContents } = window;
      const id = webContents.id;
      connections.set(id, connect((event) => webContents.send(eventChannel, event)));
      webContents.once('destroyed', () => {
        connections.get(id)?.close();
        connections.delete(id);
      });
    },
  };
}
