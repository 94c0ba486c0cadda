import { describe, expect, it } from 'vitest';
import { mapConcurrent } from './map-concurrent';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });

  it('starts nothing after the first failure, aborts the calls in flight and rejects with that failure', async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const items = Array.from({ length: 50 }, (_, i) => i);
    const run = mapConcurrent(items, 4, async (n, _index, signal) => {
      started.push(n);
      if (n === 2) {
        await tick();
        throw new Error('item 2 failed');
      }
      // The others wait until told to stop: before the fix they ran to the end.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 200);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.push(n);
          reject(signal.reason as Error);
        });
      });
      return n;
    });
    await expect(run).rejects.toThrow('item 2 failed');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(started).toEqual([0, 1, 2, 3]);
    expect(aborted.sort()).toEqual([0, 1, 3]);
  });

  it('treats a synchronous throw as a failure', async () => {
    await expect(
      mapConcurrent([1, 2], 2, (n) => {
        if (n === 1) throw new Error('sync');
        return Promise.resolve(n);
      }),
    ).rejects.toThrow('sync');
  });

  it('stops when the caller aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const run = mapConcurrent(
      Array.from({ length: 20 }, (_, i) => i),
      2,
      async (n, _i, signal) => {
        started.push(n);
        if (n === 1) controller.abort();
        await tick();
        signal.throwIfAborted();
        return n;
      },
      controller.signal,
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(started).toEqual([0, 1]);
  });

  it('returns an empty array for no items', async () => {
    expect(await mapConcurrent([], 3, async () => 1)).toEqual([]);
  });
});
