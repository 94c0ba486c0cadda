import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { call } from './define';
import type { ImplOf } from './define';
import { ApiError } from './errors';
import { createApiServer } from './server';
import { wireClient } from './test-wiring';

const testContract = {
  users: {
    get: call(z.object({ id: z.number().int() }), z.object({ id: z.number(), name: z.string() })),
    ping: call(z.void(), z.literal('pong')),
    /** Waits until cancelled, and says whether its signal fired. */
    wait: call(z.void(), z.void()),
  },
} as const;
const testEvents = { 'users.changed': z.object({ id: z.number() }) } as const;

function setup(overrides: Partial<{ get: (input: { id: number }) => Promise<unknown> }> = {}) {
  const aborted: string[] = [];
  const impl: ImplOf<typeof testContract> = {
    users: {
      // The secret field is not in the output schema: it must never reach the client.
      get: (overrides.get as never) ?? (async ({ id }) => ({ id, name: `user ${id}`, secret: 'hunter2' }) as never),
      ping: async () => 'pong',
      wait: (_input, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push('wait');
            reject(new Error('aborted'));
          }),
        ),
    },
  };
  const server = createApiServer(testContract, testEvents, impl);
  return { server, aborted, ...wireClient(testContract, testEvents, server) };
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
    expect(await connection.handle({ kind: 'job.start', channel: 'users.get', jobId: 'job-12345678', input: { id: 1 } })).toMatchObject({ ok: false, error: { message: 'users.get is not a job.' } });
  });

  it('carries ApiError codes and turns other errors, thrown or synchronous, into internal ones', async () => {
    const { client } = setup({
      get: (({ id }: { id: number }) => {
        if (id === 1) return Promise.reject(new ApiError('not-found', 'No user 1.'));
        if (id === 2) throw new TypeError('thrown before any promise');
        return Promise.reject(new TypeError('boom'));
      }) as never,
    });
    await expect(client.api.users.get({ id: 1 })).rejects.toMatchObject({ code: 'not-found', message: 'No user 1.' });
    await expect(client.api.users.get({ id: 2 })).rejects.toMatchObject({ code: 'internal', message: 'thrown before any promise' });
    await expect(client.api.users.get({ id: 3 })).rejects.toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('aborting a call rejects it at once and aborts the work in the main process', async () => {
    const { client, aborted } = setup();
    const controller = new AbortController();
    const pending = client.api.users.wait(undefined, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    await expect.poll(() => aborted).toEqual(['wait']);
  });

  it('a call whose signal is already aborted is not sent', async () => {
    const { client, wire } = setup();
    await expect(client.api.users.ping(undefined, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
    expect(wire).toEqual([]);
  });

  it('a peer that goes away aborts its calls in flight', async () => {
    const { client, aborted, drop } = setup();
    void client.api.users.wait().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 5));
    drop();
    await expect.poll(() => aborted).toEqual(['wait']);
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
});
