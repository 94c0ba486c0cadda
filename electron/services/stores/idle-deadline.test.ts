import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withIdleDeadline } from './idle-deadline';

async function* chunks(gapsMs: number[]): AsyncGenerator<Uint8Array> {
  for (const gap of gapsMs) {
    await sleep(gap);
    yield new Uint8Array([gap & 0xff]);
  }
}

async function drain(source: AsyncIterable<Uint8Array>, holdMs = 0): Promise<number> {
  let n = 0;
  for await (const _ of source) {
    n += 1;
    if (holdMs) await sleep(holdMs);
  }
  return n;
}

const stalled = () => new Error('stalled');

describe('withIdleDeadline', () => {
  it('passes every chunk of a source that keeps sending', async () => {
    expect(await drain(withIdleDeadline(chunks([5, 5, 5, 5]), 100, stalled))).toBe(4);
  });

  it('fails a source that stops sending for longer than the idle deadline', async () => {
    const started = Date.now();
    await expect(drain(withIdleDeadline(chunks([1, 1, 60_000]), 50, stalled))).rejects.toThrow('stalled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not count the time the consumer holds a chunk', async () => {
    // Each chunk is held 80 ms, longer than the 50 ms deadline; the source itself answers at once.
    expect(await drain(withIdleDeadline(chunks([0, 0, 0]), 50, stalled), 80)).toBe(3);
  });

  it("ends with an AbortError, not a stall, when the caller's signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(drain(withIdleDeadline(chunks([1, 60_000]), 10_000, stalled, controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });
});
