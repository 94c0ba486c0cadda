import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from './client';
import { call, job } from './define';
import type { ImplOf } from './define';
import { ApiError } from './errors';
import { createApiServer } from './server';
import type { ClientTransport, WireEvent } from './wire';

const testContract = {
  users: {
    get: call(z.object({ id: z.number().int() }), z.object({ id: z.number(), name: z.string() })),
    ping: call(z.void(), z.literal('pong')),
  },
  work: {
    count: job(z.object({ to: z.number().int().min(1) }), z.object({ at: z.number() }), z.object({ total: z.number() })),
  },
} as const;
const testEvents = { 'users.changed': z.object({ id: z.number() }) } as const;

function setup(overrides: Partial<{ get: (input: { id: number }) => Promise<unknown> }> = {}) {
  const impl: ImplOf<typeof testContract> = {
    users: {
      // The secret field is not in the output schema: it must never reach the client.
      get: (overrides.get as never) ?? (async ({ id }) => ({ id, name: `user ${id}`, secret: 'hunter2' }) as never),
      ping: async () => 'pong',
    },
    work: {
      count: async ({ to }, { signal, progress }) => {
        for (let at = 1; at <= to; at++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          signal.throwIfAborted();
          progress({ at });
        }
        return { total: to };
      },
    },
  };
  const server = createApiServer(testContract, testEvents, impl);
  const wire: unknown[] = [];
  let listener: (event: WireEvent) => void = () => undefined;
  // An in-memory transport that still round-trips through JSON, as both real transports do.
  const connection = server.connect((event) => {
    wire.push(event);
    listener(JSON.parse(JSON.stringify(event)) as WireEvent);
  });
  const transport: ClientTransport = {
    request: async (message) => {
      wire.push(message);
      const response = await connection.handle(JSON.parse(JSON.stringify(message)));
      wire.push(response);
      return JSON.parse(JSON.stringify(response));
    },
    subscribe: (l) => {
      listener = l;
      return () => (listener = () => undefined);
    },
  };
  const client = createClient(testContract, testEvents, transport);
  return { server, connection, client, wire };
}

describe('the API derived from a contract', () => {
  it('calls a method and strips fields the output schema does not name', async () => {
    const { client, wire } = setup();
    await expect(client.api.users.get({ id: 7 })).resolves.toEqual({ id: 7, name: 'user 7' });
    expect(JSON.stringify(wire)).not.toContain('hunter2');
    await expect(client.api.users.ping()).resolves.toBe('pong');
  });

  it('rejects input that does not match the schema, naming the field', async () => {
    const { client } = setup();
    const error = await client.api.users.get({ id: 1.5 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid-input');
    expect((error as ApiError).message).toMatch(/^users\.get: id: /);
  });

  it('rejects malformed and unknown requests without calling anything', async () => {
    const { connection } = setup();
    expect(await connection.handle({ kind: 'call', channel: 'users.nope', input: {} })).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'Unknown method users.nope.' } });
    expect(await connection.handle({ kind: 'call', channel: 'users.get', input: { id: 1 }, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await connection.handle('users.get')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await connection.handle({ kind: 'call', channel: 'constructor.prototype', input: {} })).toMatchObject({ ok: false });
    expect(await connection.handle({ kind: 'call', channel: 'work.count', input: { to: 1 } })).toMatchObject({ ok: false, error: { message: 'work.count is a job; start it as one.' } });
  });

  it('carries ApiError codes and turns other errors into internal ones', async () => {
    const { client } = setup({
      get: async ({ id }) => {
        if (id === 1) throw new ApiError('not-found', 'No user 1.');
        throw new TypeError('boom');
      },
    });
    await expect(client.api.users.get({ id: 1 })).rejects.toMatchObject({ code: 'not-found', message: 'No user 1.' });
    await expect(client.api.users.get({ id: 2 })).rejects.toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('streams job progress in order and resolves with the output', async () => {
    const { client } = setup();
    const seen: number[] = [];
    const handle = client.api.work.count({ to: 5 }, { onProgress: (p) => seen.push(p.at) });
    await expect(handle.result).resolves.toEqual({ total: 5 });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('cancels a job from the handle or an AbortSignal', async () => {
    const { client } = setup();
    const handle = client.api.work.count({ to: 10_000 });
    setTimeout(() => handle.cancel(), 10);
    await expect(handle.result).rejects.toMatchObject({ code: 'cancelled' });
    const controller = new AbortController();
    const second = client.api.work.count({ to: 10_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await expect(second.result).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('cancels the jobs of a peer that goes away', async () => {
    const { client, connection, wire } = setup();
    const handle = client.api.work.count({ to: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    connection.close();
    const before = wire.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(wire.length).toBe(before);
    void handle.result.catch(() => undefined);
  });

  it('fails running jobs when the transport loses its peer', async () => {
    let disconnect = () => {};
    const server = createApiServer(testContract, testEvents, {
      users: { get: async () => ({ id: 1, name: 'x' }), ping: async () => 'pong' as const },
      work: { count: () => new Promise(() => undefined) },
    });
    const connection = server.connect(() => undefined);
    const client = createClient(testContract, testEvents, {
      request: (message) => connection.handle(message),
      subscribe: () => () => undefined,
      onDisconnect: (listener) => ((disconnect = listener), () => undefined),
    });
    const handle = client.api.work.count({ to: 3 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    disconnect();
    await expect(handle.result).rejects.toMatchObject({ code: 'internal', message: /Lost the connection/ });
  });

  it('pushes validated events to listeners, which can unsubscribe', async () => {
    const { client, server } = setup();
    const got: number[] = [];
    const off = client.on('users.changed', (p) => got.push(p.id));
    server.emit('users.changed', { id: 3 });
    off();
    server.emit('users.changed', { id: 4 });
    expect(got).toEqual([3]);
    expect(() => server.emit('users.changed', { id: 'x' })).toThrow();
  });

  it('builds a plain object of functions (contextBridge cannot copy proxies)', () => {
    const { client } = setup();
    expect(Object.getPrototypeOf(client.api.users)).toBe(Object.prototype);
    expect(Object.keys(client.api)).toEqual(['users', 'work']);
    expect(typeof client.api.work.count).toBe('function');
  });
});
