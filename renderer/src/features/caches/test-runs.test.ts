import { afterEach, describe, expect, it, vi } from 'vitest';
import { runTest, TestCancelled, useTestRuns } from './test-runs';

const never = (seen: AbortSignal[]) => (signal: AbortSignal) => {
  seen.push(signal);
  return new Promise<string>(() => undefined);
};

describe('runTest', () => {
  afterEach(() => vi.useRealTimers());

  it('records when a test started, and forgets it when it ends', async () => {
    const done = runTest('c1', new AbortController().signal, async () => 'ok');
    expect(useTestRuns.getState().runs.c1?.startedAt).toBeTypeOf('number');
    await expect(done).resolves.toBe('ok');
    expect(useTestRuns.getState().runs.c1).toBeUndefined();
  });

  it('cancel ends a call that never answers at once, as TestCancelled, and aborts the call', async () => {
    vi.useFakeTimers();
    const seen: AbortSignal[] = [];
    const done = runTest('c2', new AbortController().signal, never(seen));
    vi.advanceTimersByTime(3200);
    useTestRuns.getState().runs.c2!.cancel();
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestCancelled);
    expect((error as Error).message).toBe('Test cancelled after 3 s.');
    expect(seen[0]!.aborted).toBe(true);
    expect(useTestRuns.getState().runs.c2).toBeUndefined();
  });

  it('passes React Query giving up on to the call', async () => {
    const query = new AbortController();
    const seen: AbortSignal[] = [];
    const done = runTest('c3', query.signal, never(seen));
    query.abort(new Error('no longer wanted'));
    await expect(done).rejects.toThrow('no longer wanted');
    expect(seen[0]!.aborted).toBe(true);
  });
});
