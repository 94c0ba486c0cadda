import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketTransport } from './ws-transport';

/** Just enough of a browser WebSocket for the transport, driven by the test. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: string[] = [];
  private listeners = new Map<string, Array<(event: unknown) => void>>();
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string) {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.emit('open', {});
  }
  drop() {
    this.readyState = FakeSocket.CLOSED;
    this.emit('close', {});
  }
  answer(index: number, response: unknown) {
    const { id } = JSON.parse(this.sent[index]!) as { id: number };
    this.emit('message', { data: JSON.stringify({ id, response }) });
  }
  private emit(type: string, event: unknown) {
    this.listeners.get(type)?.forEach((listener) => listener(event));
  }
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const call = { kind: 'call', channel: 'app.info' } as const;

describe('the browser shell transport', () => {
  it('fails a request at once when the socket drops before its answer', async () => {
    const transport = createWebSocketTransport('ws://x/api');
    FakeSocket.all[0]!.open();
    const pending = transport.request(call);
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[0]!.drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'disconnected', message: /Lost the connection/ } });
  });

  it('holds a request made while the socket is down and sends it once it reconnects', async () => {
    const transport = createWebSocketTransport('ws://x/api');
    const states: string[] = [];
    transport.onState!((state) => states.push(state));
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop();
    // Made after the drop, before the reconnect: this is the request that used to hang forever.
    const pending = transport.request(call);
    await vi.advanceTimersByTimeAsync(300);
    const second = FakeSocket.all[1]!;
    expect(second.sent).toEqual([]);
    second.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(second.sent).toHaveLength(1);
    second.answer(0, { ok: true, value: 'answered' });
    await expect(pending).resolves.toEqual({ ok: true, value: 'answered' });
    expect(states).toEqual(['open', 'closed', 'connecting', 'open']);
  });

  it('gives up on a request after 30 s without a connection, saying so', async () => {
    const transport = createWebSocketTransport('ws://x/api');
    const pending = transport.request(call);
    await vi.advanceTimersByTimeAsync(30_001);
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'disconnected', message: /No connection to Narwhal/ } });
  });
});
