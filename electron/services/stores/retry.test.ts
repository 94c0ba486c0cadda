import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from './retry';
import { attemptsMade, backoffMs, formatSeconds, isTransientNetworkError, withRetries } from './retry';

const policy: RetryPolicy = { deadlineMs: 1_000, maxAttempts: 4, maxTotalMs: 10_000, baseDelayMs: 2, maxDelayMs: 10 };
const deadline = (ms: number) => Object.assign(new Error(`deadline ${ms}`), { code: 'unreachable' });
const retryable = (e: unknown) => (e as Error).message === 'again';

describe('withRetries', () => {
  it('retries what may be retried, up to its attempts, and says how many it made', async () => {
    let calls = 0;
    const result = await withRetries(async () => (++calls < 3 ? Promise.reject(new Error('again')) : 'done'), { policy, isRetryable: retryable, onDeadline: deadline });
    expect([result, calls]).toEqual(['done', 3]);

    calls = 0;
    const error = await withRetries(async () => {
      calls += 1;
      throw new Error('again');
    }, { policy, isRetryable: retryable, onDeadline: deadline }).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(attemptsMade(error)).toBe(4);
  });

  it('does not retry what may not be', async () => {
    let calls = 0;
    await expect(withRetries(async () => {
      calls += 1;
      throw new Error('no such bucket');
    }, { policy, isRetryable: retryable, onDeadline: deadline })).rejects.toThrow('no such bucket');
    expect(calls).toBe(1);
  });

  it('fails an attempt that outlives its deadline with the deadline error, through the signal it gives the attempt', async () => {
    const started = Date.now();
    await expect(
      withRetries((signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))), {
        policy: { ...policy, deadlineMs: 50 },
        extraDeadlineMs: 25,
        isRetryable: () => true,
        onDeadline: deadline,
      }),
    ).rejects.toThrow('deadline 75');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports a caller abort as a cancellation, never as a timeout, and stops during a back-off', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetries(
      async () => {
        calls += 1;
        throw new Error('again');
      },
      { policy: { ...policy, baseDelayMs: 60_000, maxDelayMs: 60_000, maxTotalMs: 600_000 }, signal: controller.signal, isRetryable: retryable, onDeadline: deadline, random: () => 0.99 },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
  });

  it('gives up when the next back-off would pass the total time allowed', async () => {
    let calls = 0;
    await expect(withRetries(async () => {
      calls += 1;
      throw new Error('again');
    }, { policy: { ...policy, baseDelayMs: 1_000, maxDelayMs: 1_000, maxTotalMs: 500 }, isRetryable: retryable, onDeadline: deadline, random: () => 0.9 })).rejects.toThrow('again');
    expect(calls).toBe(1);
  });
});

describe('backoffMs', () => {
  it('draws from [0, base·2^(n-1)), capped', () => {
    expect(backoffMs(1, policy, () => 0.999)).toBe(1);
    expect(backoffMs(3, policy, () => 0.999)).toBe(7);
    expect(backoffMs(10, policy, () => 0.999)).toBe(9);
    expect(backoffMs(10, policy, () => 0)).toBe(0);
  });
});

describe('isTransientNetworkError', () => {
  it.each([
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [new Error('socket hang up'), true],
    [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), true],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), false],
    [new Error('NoSuchKey'), false],
  ])('%s → %s', (error, expected) => expect(isTransientNetworkError(error)).toBe(expected));
});

it('formatSeconds', () => {
  expect([formatSeconds(30_000), formatSeconds(500), formatSeconds(1_250)]).toEqual(['30 s', '0.5 s', '1.3 s']);
});
