import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WireEvent, WireResponse } from '../../shared/api/wire';
import { startNarwhal } from '../services/narwhal';
import type { IpcMainLike } from './ipc-binding';
import { bindIpc, eventChannel, isTrustedSender, requestChannel } from './ipc-binding';

describe('isTrustedSender', () => {
  const ours = new Set([1]);
  it.each([
    [{ url: 'app://narwhal/index.html', parent: null }, 1, true],
    [{ url: 'app://narwhal/index.html', parent: {} }, 1, false],
    [{ url: 'app://narwhal/index.html', parent: null }, 2, false],
    [{ url: 'https://evil.example/', parent: null }, 1, false],
    [{ url: 'file:///etc/passwd', parent: null }, 1, false],
    [{ url: 'app://narwhal.evil/index.html', parent: null }, 1, false],
    [{ url: 'not a url', parent: null }, 1, false],
    [null, 1, false],
  ])('%j from webContents %i → %s', (frame, id, expected) => {
    expect(isTrustedSender(frame, id, ours)).toBe(expected);
  });
});

describe('bindIpc', () => {
  it('answers our window and refuses every other sender', async () => {
    const narwhal = await startNarwhal({ dataDir: await mkdtemp(join(tmpdir(), 'narwhal-ipc-')), shell: 'electron' });
    let handler!: Parameters<IpcMainLike['handle']>[1];
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => {
        expect(channel).toBe(requestChannel);
        handler = listener;
      },
    };
    const sent: WireEvent[] = [];
    const binding = bindIpc(ipcMain, (send) => narwhal.server.connect(send));
    let destroy = () => {};
    binding.attach({ webContents: { id: 7, send: (channel, event) => (expect(channel).toBe(eventChannel), sent.push(event)), once: (_e, l) => (destroy = l) } });
    const request = { kind: 'call', channel: 'app.info' };

    const ok: WireResponse = await handler({ sender: { id: 7 }, senderFrame: { url: 'app://narwhal/index.html', parent: null } }, request);
    expect(ok).toMatchObject({ ok: true, value: { shell: 'electron' } });
    for (const [id, frame] of [
      [8, { url: 'app://narwhal/index.html', parent: null }],
      [7, { url: 'https://evil.example/', parent: null }],
      [7, { url: 'app://narwhal/index.html', parent: {} }],
    ] as const) {
      expect(await handler({ sender: { id }, senderFrame: frame }, request)).toEqual({ ok: false, error: { code: 'access-denied', message: 'This page may not use the Narwhal API.' } });
    }
    narwhal.server.emit('caches.changed', {});
    expect(sent).toEqual([{ kind: 'event', name: 'caches.changed', payload: {} }]);
    destroy();
    expect(await handler({ sender: { id: 7 }, senderFrame: { url: 'app://narwhal/index.html', parent: null } }, request)).toMatchObject({ ok: false });
  });
});
