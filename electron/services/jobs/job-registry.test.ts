import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { JobPlan } from '../../../shared/api/define';
import type { JobView } from '../../../shared/api/jobs';
import { JobRegistry } from './job-registry';

const progressSchema = z.object({ at: z.number() });
const outputSchema = z.object({ total: z.number() });

function setup(options: ConstructorParameters<typeof JobRegistry>[0] = {}) {
  const updates: JobView[] = [];
  const log: string[] = [];
  const registry = new JobRegistry({ onUpdate: (view) => updates.push(view), log: (line) => log.push(line), ...options });
  let n = 0;
  const start = (plan: JobPlan<unknown, unknown>) => registry.start({ id: `job-test-${++n}`, kind: 'work.count', input: {}, plan, progressSchema, outputSchema });
  const ended = (id: string) => vi.waitFor(() => {
    const view = registry.get(id);
    if (!['done', 'failed', 'cancelled'].includes(view.state)) throw new Error('still running');
    return view;
  });
  return { registry, updates, log, start, ended };
}

afterEach(() => vi.useRealTimers());

describe('JobRegistry', () => {
  it('runs a job to done with its output, every state reported', async () => {
    const { start, ended, updates } = setup();
    const view = start({ title: 'Count', subject: 's3 x b', run: async ({ progress }) => (progress({ at: 1 }), { total: 1 }) });
    expect(view).toMatchObject({ state: 'queued', title: 'Count', subject: 's3 x b' });
    expect(await ended(view.id)).toMatchObject({ state: 'done', output: { total: 1 }, progress: { at: 1 } });
    expect(updates.map((u) => u.state)).toEqual(['queued', 'running', 'running', 'done']);
  });

  it('lets a job have many listeners on its signal (a NAR in flight each) without a leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const { start, ended } = setup();
      const view = start({
        title: 'Many NARs',
        run: async ({ signal }) => {
          const listeners = Array.from({ length: 40 }, () => () => {});
          for (const l of listeners) signal.addEventListener('abort', l);
          for (const l of listeners) signal.removeEventListener('abort', l);
          return { total: listeners.length };
        },
      });
      expect(await ended(view.id)).toMatchObject({ state: 'done' });
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('fails a job whose function throws synchronously, and nothing else', async () => {
    const { start, ended } = setup();
    const view = start({
      title: 'Throws',
      run: () => {
        throw new TypeError('sync boom');
      },
    });
    expect(await ended(view.id)).toMatchObject({ state: 'failed', error: { code: 'internal', message: 'sync boom' } });
  });

  it('sends at most about ten progress updates a second, and always the last one', async () => {
    vi.useFakeTimers();
    const { start, updates, registry } = setup();
    let finish!: () => void;
    const view = start({
      title: 'Chatty',
      run: ({ progress }) =>
        new Promise((resolve) => {
          finish = () => resolve({ total: 1000 });
          for (let at = 1; at <= 1000; at++) setTimeout(() => progress({ at }), at);
        }),
    });
    await vi.advanceTimersByTimeAsync(1005);
    const running = updates.filter((u) => u.state === 'running' && u.progress !== undefined);
    expect(running.length).toBeGreaterThanOrEqual(9);
    expect(running.length).toBeLessThanOrEqual(12);
    expect(running.at(-1)!.progress).toEqual({ at: 1000 });
    finish();
    await vi.advanceTimersByTimeAsync(1);
    expect(registry.get(view.id)).toMatchObject({ state: 'done', progress: { at: 1000 } });
  });

  it('logs a progress its schema rejects instead of dropping it silently', async () => {
    const { start, ended, log } = setup();
    const view = start({ title: 'Bad progress', run: async ({ progress }) => (progress({ at: 'one' }), progress({ at: 2 }), { total: 2 }) });
    expect(await ended(view.id)).toMatchObject({ state: 'done', progress: { at: 2 } });
    expect(log.join('\n')).toMatch(/bug: work\.count job job-test-1 reported progress its schema rejects/);
  });

  it('fails, and logs, a job whose output its schema rejects', async () => {
    const { start, ended, log } = setup();
    const view = start({ title: 'Bad output', run: async () => ({ total: 'lots' }) });
    expect(await ended(view.id)).toMatchObject({ state: 'failed', error: { code: 'internal' } });
    expect(log.join('\n')).toMatch(/returned output its schema rejects/);
  });

  it('cancels a running job through its signal, and a queued one before it starts', async () => {
    const { start, ended, registry } = setup({ concurrency: 1 });
    const started: string[] = [];
    const forever: JobPlan<unknown, unknown> = {
      title: 'Forever',
      run: ({ signal, jobId }) => {
        started.push(jobId);
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
      },
    };
    const first = start(forever);
    const second = start(forever);
    await vi.waitFor(() => expect(registry.get(first.id).state).toBe('running'));
    expect(registry.get(second.id).state).toBe('queued');
    registry.cancel(second.id);
    registry.cancel(first.id);
    expect(await ended(first.id)).toMatchObject({ state: 'cancelled', error: { code: 'cancelled' } });
    expect(await ended(second.id)).toMatchObject({ state: 'cancelled' });
    expect(started).toEqual([first.id]);
  });

  it('refuses a duplicate id, and lists newest first', () => {
    const { registry, start } = setup();
    const a = start({ title: 'A', run: async () => ({ total: 0 }) });
    const b = start({ title: 'B', run: async () => ({ total: 0 }) });
    expect(registry.list().map((v) => v.id)).toEqual([b.id, a.id]);
    expect(() => registry.start({ id: a.id, kind: 'k', input: {}, plan: { title: 'again', run: async () => ({}) }, progressSchema, outputSchema })).toThrow(/exists already/);
  });

  it('forgets the oldest finished jobs past its limit, telling its owner', async () => {
    const forgotten: string[] = [];
    const { start, ended, registry } = setup({ keepFinished: 2, onForget: (view) => forgotten.push(view.title) });
    for (const title of ['1', '2', '3']) await ended(start({ title, run: async () => ({ total: 0 }) }).id);
    expect(registry.list().map((v) => v.title)).toEqual(['3', '2']);
    expect(forgotten).toEqual(['1']);
  });

  it('shutdown cancels every job and waits for them to end', async () => {
    const { start, registry } = setup();
    let cleanedUp = false;
    const view = start({
      title: 'Cleans up',
      run: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () =>
            setTimeout(() => {
              cleanedUp = true;
              reject(new Error('stopped'));
            }, 20),
          ),
        ),
    });
    await vi.waitFor(() => expect(registry.get(view.id).state).toBe('running'));
    await registry.shutdown();
    expect(cleanedUp).toBe(true);
    expect(registry.get(view.id).state).toBe('cancelled');
    expect(registry.running()).toEqual([]);
  });
});
