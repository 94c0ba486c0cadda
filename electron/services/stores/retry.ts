import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One request to a remote store, made resilient: each attempt gets a deadline that really fails it
 * (the SDK's requestTimeout only logs a warning, so a server that accepts a connection and never
 * answers would hang a caller for ever), throttling and transient network errors are retried with
 * exponential back-off and full jitter, and the caller's signal stops everything at once.
 */
export interface RetryPolicy {
  /** Milliseconds one attempt may take before it is abandoned. */
  deadlineMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No retry starts once this many milliseconds have passed since the first attempt. */
  maxTotalMs: number;
  /** The first back-off's upper bound; each retry doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  deadlineMs: 30_000,
  maxAttempts: 5,
  maxTotalMs: 90_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
};

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Extra milliseconds for this request's attempts, e.g. for a large body to go up. */
  extraDeadlineMs?: number;
  /** Whether a failed attempt may be repeated (throttling, a dropped connection, a 5xx). */
  isRetryable(e: unknown): boolean;
  /** The error to throw when an attempt ran out of time. */
  onDeadline(ms: number): Error;
  /** For tests: where the jitter comes from. */
  random?: () => number;
}

const attemptsKey = Symbol('attempts');

/** How many attempts were made before `e` was given up on (1 when it was not retried). */
export function attemptsMade(e: unknown): number {
  return (e as { [attemptsKey]?: number } | null)?.[attemptsKey] ?? 1;
}

/** The back-off before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))) ("full jitter"). */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1)));
}

/** The AbortError a cancel is reported as, whatever reason the signal was aborted with. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return Object.assign(new Error('Cancelled.', { cause: reason }), { name: 'AbortError' });
}

/** Runs `attempt` until it succeeds, fails for good, runs out of attempts or time, or the caller aborts. */
export async function withRetries<T>(attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, signal } = options;
  const deadlineMs = policy.deadlineMs + (options.extraDeadlineMs ?? 0);
  const started = Date.now();
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw abortError(signal);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(Object.assign(new Error(`No answer within ${deadlineMs} ms.`), { name: 'AbortError' })), deadlineMs);
    const attemptSignal = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    try {
      return await attempt(attemptSignal, n);
    } catch (e) {
      // Cancellation stays cancellation (never reported as a timeout or retried).
      if (signal?.aborted) throw abortError(signal);
      if (deadline.signal.aborted) throw options.onDeadline(deadlineMs);
      const delay = backoffMs(n, policy, options.random);
      if (n >= policy.maxAttempts || !options.isRetryable(e) || Date.now() - started + delay > policy.maxTotalMs) {
        if (e !== null && typeof e === 'object') Object.defineProperty(e, attemptsKey, { value: n, configurable: true });
        throw e;
      }
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        throw abortError(signal!);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

const transientCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * A dropped or reset connection, wherever Node's layers put its code (on the error, its cause, or an
 * AggregateError's errors). A refused connection is not transient: the endpoint is wrong or down,
 * and the user should hear so at once.
 */
export function isTransientNetworkError(e: unknown): boolean {
  for (let cur = e as { code?: string; message?: string; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; cur && depth < 5; depth++) {
    if (cur.code && transientCodes.has(cur.code)) return true;
    if (typeof cur.message === 'string' && /socket hang up|other side closed/i.test(cur.message)) return true;
    if (Array.isArray(cur.errors) && cur.errors.some(isTransientNetworkError)) return true;
    cur = cur.cause as typeof cur;
  }
  return false;
}

/** HTTP statuses worth another try: throttling and the server's (or its gateway's) passing trouble. */
export const retryableStatuses = new Set([429, 500, 502, 503, 504]);

/** "30 s", "0.5 s": a deadline as messages show it. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
