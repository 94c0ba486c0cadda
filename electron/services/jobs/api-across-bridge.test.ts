import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Bridge } from '../../../shared/api/bridge';
import { createBridge } from '../../../shared/api/bridge';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import { contract, events } from '../../../shared/api/contract';
import { call, job } from '../../../shared/api/define';
import type { ImplOf } from '../../../shared/api/define';
import { jobIdSchema, jobViewSchema } from '../../../shared/api/jobs';
import { createApiServer } from '../../../shared/api/server';
import { wireClient } from '../../../shared/api/test-wiring';
import { writeSyntheticCache } from '../../../e2e/synthetic-cache';
import { startNarwhal } from '../narwhal';
import { JobRegistry } from './job-registry';

// The page's client layer run across the model of contextBridge's copying rules: every value the
// desktop app's bridge would drop or degrade fails these tests instead of the app.
const acrossBridge = (bridge: Bridge) => exposeAcrossModel(bridge, 'window.narwhal');

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'narwhal-bridge-'));
  dirs.push(dir);
  return dir;
};

describe("Narwhal's API across the contextBridge model", () => {
  it('the bridge the preload exposes crosses; an AbortSignal handed to it would not', () => {
    const bridge = createBridge(contract, events, { request: async () => ({ ok: true }), subscribe: () => () => undefined });
    const page = acrossBridge(bridge);
    expect(() => page.api.browse!.listPaths!({ cacheId: 'c-1' }, { signal: new AbortController().signal } as never)).toThrow(/AbortSignal/);
  });

  it('calls, errors with their codes, a listing job and its pages', async () => {
    const dataDir = await tempDir();
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { HOME: dataDir } });
    const { client } = wireClient(contract, events, narwhal.server, acrossBridge);

    const { caches } = await client.api.caches.list();
    expect(caches).toHaveLength(1);
    await expect(client.api.caches.remove({ cacheId: 'c-nope' })).rejects.toMatchObject({ code: 'not-found' });

    const synthetic = writeSyntheticCache(join(dataDir, 'synthetic'), 2500);
    const cache = await client.api.caches.add({ name: 'Synthetic', config: { kind: 'file', path: synthetic.dir, settings: [] } });
    const progress: number[] = [];
    const handle = client.api.browse.listPaths({ cacheId: cache.id }, { onProgress: (p) => progress.push(p.listed) });
    await expect(handle.result).resolves.toEqual({ total: 2500 });
    expect(progress.at(-1)).toBe(2500);
    const first = await client.api.browse.pathsPage({ jobId: handle.id, offset: 0, limit: 2000 });
    const rest = await client.api.browse.pathsPage({ jobId: handle.id, offset: 2000, limit: 2000 });
    expect(first).toMatchObject({ total: 2500, complete: true });
    expect([...first.entries, ...rest.entries].map((e) => e.hash)).toEqual(synthetic.paths.map((p) => p.hash));

    const { jobs } = await client.api.jobs.list();
    expect(jobs[0]).toMatchObject({ id: handle.id, kind: 'browse.listPaths', state: 'done', title: `List the paths of ${synthetic.dir}` });
    const names = await client.api.browse.resolveNames({ cacheId: cache.id, hashes: [synthetic.paths[0]!.hash] });
    expect(names.names[synthetic.paths[0]!.hash]).toEqual({ name: synthetic.paths[0]!.name });
  });
});

// A contract of its own for what needs a job that waits: reloads, second windows, cancel.
const testContract = {
  jobs: {
    list: call(z.void(), z.object({ jobs: z.array(jobViewSchema) })),
    get: call(z.object({ jobId: jobIdSchema }), jobViewSchema),
    cancel: call(z.object({ jobId: jobIdSchema }), z.void()),
  },
  work: {
    count: job(z.object({ to: z.number() }), z.object({ at: z.number() }), z.object({ total: z.number() })),
  },
} as const;
const testEvents = { 'jobs.updated': jobViewSchema } as const;

function jobServer() {
  const gates: Array<() => void> = [];
  const aborted: string[] = [];
  const registry = new JobRegistry({ onUpdate: (view) => server.emit('jobs.updated', view), progressIntervalMs: 0 });
  const impl: ImplOf<typeof testContract> = {
    jobs: {
      list: async () => ({ jobs: registry.list() }),
      get: async ({ jobId }) => registry.get(jobId),
      cancel: async ({ jobId }) => registry.cancel(jobId),
    },
    work: {
      // Counts one step each time the test opens the gate.
      count: ({ to }) => ({
        title: `Count to ${to}`,
        run: async ({ progress, signal, jobId }) => {
          signal.addEventListener('abort', () => aborted.push(jobId));
          for (let at = 1; at <= to; at++) {
            await new Promise<void>((resolve, reject) => {
              gates.push(resolve);
              signal.addEventListener('abort', () => reject(new Error('stopped')));
            });
            progress({ at });
          }
          return { total: to };
        },
      }),
    },
  };
  const server = createApiServer(testContract, testEvents, impl, { jobs: registry });
  const step = async () => {
    await expect.poll(() => gates.length).toBeGreaterThan(0);
    gates.shift()!();
  };
  return { server, registry, step, aborted };
}

describe('jobs across the contextBridge model', () => {
  it('follow progress to the result', async () => {
    const { server, step } = jobServer();
    const { client } = wireClient(testContract, testEvents, server, acrossBridge);
    const seen: number[] = [];
    const handle = client.api.work.count({ to: 3 }, { onProgress: (p) => seen.push(p.at) });
    for (let i = 0; i < 3; i++) await step();
    await expect(handle.result).resolves.toEqual({ total: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('outlive the window that started them: a reload attaches to the running job', async () => {
    const { server, step, registry } = jobServer();
    const first = wireClient(testContract, testEvents, server, acrossBridge);
    const handle = first.client.api.work.count({ to: 3 });
    void handle.result.catch(() => undefined);
    await step();
    first.drop(); // the page reloads: its connection is gone

    const second = wireClient(testContract, testEvents, server, acrossBridge);
    const { jobs } = await second.client.api.jobs.list();
    expect(jobs).toMatchObject([{ id: handle.id, state: 'running', title: 'Count to 3' }]);
    const attached = second.client.attach<{ total: number }, { at: number }>(handle.id);
    await step();
    await step();
    await expect(attached.result).resolves.toEqual({ total: 3 });
    expect(registry.get(handle.id).state).toBe('done');
  });

  it('are seen by a second window, which can cancel them', async () => {
    const { server, step, aborted } = jobServer();
    const one = wireClient(testContract, testEvents, server, acrossBridge);
    const two = wireClient(testContract, testEvents, server, acrossBridge);
    const updates: string[] = [];
    two.client.on('jobs.updated', (view) => updates.push(`${view.title} ${view.state}`));
    const handle = one.client.api.work.count({ to: 5 });
    await step();
    const attached = two.client.attach(handle.id);
    attached.cancel();
    await expect(attached.result).rejects.toMatchObject({ code: 'cancelled' });
    await expect(handle.result).rejects.toMatchObject({ code: 'cancelled' });
    expect(aborted).toEqual([handle.id]);
    expect(updates.at(-1)).toBe('Count to 5 cancelled');
  });

  it('keep going through a lost connection; the result arrives after the reconnect', async () => {
    const { server, step } = jobServer();
    const page = wireClient(testContract, testEvents, server, acrossBridge);
    const handle = page.client.api.work.count({ to: 2 });
    await step();
    page.drop();
    await step(); // the job ends while the page cannot hear it
    page.restore();
    await expect(handle.result).resolves.toEqual({ total: 2 });
  });

  it('a job whose start answer was lost with the connection is found again after the reconnect', async () => {
    const { server, step } = jobServer();
    const page = wireClient(testContract, testEvents, server, acrossBridge);
    page.loseNextAnswer();
    const handle = page.client.api.work.count({ to: 1 });
    await step(); // it did start, though the page never heard so
    page.drop();
    page.restore();
    await expect(handle.result).resolves.toEqual({ total: 1 });
  });

  it('attaching with a signal that is already aborted gives up at once', async () => {
    const { server, step } = jobServer();
    const { client } = wireClient(testContract, testEvents, server, acrossBridge);
    const handle = client.api.work.count({ to: 1 });
    const attached = client.attach(handle.id, { signal: AbortSignal.abort() });
    await expect(attached.result).rejects.toMatchObject({ code: 'cancelled' });
    await step();
    await expect(handle.result).resolves.toEqual({ total: 1 });
  });

  it('stop following on the signal without stopping the job', async () => {
    const { server, step, registry } = jobServer();
    const { client } = wireClient(testContract, testEvents, server, acrossBridge);
    const controller = new AbortController();
    const handle = client.api.work.count({ to: 1 }, { signal: controller.signal });
    controller.abort();
    await expect(handle.result).rejects.toMatchObject({ code: 'cancelled' });
    await step();
    await expect.poll(() => registry.get(handle.id).state).toBe('done');
  });
});
