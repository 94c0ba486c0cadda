import { ApiError } from '../../../shared/api/errors';
import { defaultReadLimit, readBounded, tooLarge } from './bounded-read';
import { withIdleDeadline } from './idle-deadline';
import type { CacheStore, GetOptions, ObjectInfo } from './cache-store';
import { assertSafeKey } from './cache-store';
import type { RetryPolicy } from './retry';
import { attemptsMade, defaultRetryPolicy, formatSeconds, isTransientNetworkError, retryableStatuses, withRetries } from './retry';

/** A 429 or 5xx answer, thrown so that withRetries can try again. */
class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export interface HttpStoreOptions {
  /** Deadlines, attempts and back-off of every request (tests shorten them). */
  retry?: Partial<RetryPolicy>;
}

/**
 * A read-only cache served over HTTP(S), read as Nix reads it: 404 and 403 both mean "missing".
 * An HTTP server cannot list its keys, so listing needs an index (a later issue) and says so.
 * Every request has a deadline per attempt and is retried on 429, 5xx and dropped connections.
 */
export class HttpStore implements CacheStore {
  readonly writable = false;
  readonly description: string;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly baseUrl: string,
    options: HttpStoreOptions = {},
  ) {
    this.description = baseUrl;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
  }

  /** One request with deadline and retries; `read` handles an answer that is neither 429 nor 5xx. */
  private async request<T>(key: string, method: 'GET' | 'HEAD', read: (response: Response) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await withRetries(
        async (attemptSignal) => {
          const response = await fetch(`${this.baseUrl}/${key}`, { method, signal: attemptSignal });
          if (retryableStatuses.has(response.status)) {
            await response.body?.cancel();
            throw new HttpStatusError(response.status);
          }
          return await read(response);
        },
        {
          policy: this.retry,
          signal,
          isRetryable: (e) => e instanceof HttpStatusError || isTransientNetworkError(e),
          onDeadline: (ms) => new ApiError('unreachable', `No answer from ${this.baseUrl} within ${formatSeconds(ms)} (reading ${key}). The server accepted the connection but did not answer.`),
        },
      );
    } catch (e) {
      throw this.mapError(e, key);
    }
  }

  private mapError(e: unknown, key: string): Error {
    if (e instanceof ApiError || (e as Error).name === 'AbortError') return e as Error;
    const attempts = attemptsMade(e);
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    if (e instanceof HttpStatusError) {
      if (e.status === 429 || e.status === 503) {
        return new ApiError('throttled', `${this.baseUrl} is throttling requests (HTTP ${e.status} for ${key})${tries}, and still was after backing off. Try again later.`);
      }
      // The server's trouble, not ours: said plainly, and not logged as a bug of Narwhal's.
      return new ApiError('unreachable', `${this.baseUrl}/${key} answered HTTP ${e.status}${tries}: the server is not serving this cache properly right now.`);
    }
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return new ApiError('unreachable', `Cannot reach ${this.baseUrl} (${cause?.code ?? cause?.message ?? (e as Error).message})${tries}.`);
  }

  /** Whether a GET found the object: 404 and 403 mean missing, as Nix reads them; another failure throws. */
  private async found(response: Response, key: string): Promise<boolean> {
    if (response.ok) return true;
    await response.body?.cancel();
    if (response.status === 404 || response.status === 403) return false;
    throw new ApiError('internal', `${this.baseUrl}/${key} answered HTTP ${response.status}.`);
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    assertSafeKey(key);
    const limit = options.maxBytes ?? defaultReadLimit(key);
    return this.request(
      key,
      'GET',
      async (response) => {
        if (!(await this.found(response, key))) return null;
        const declared = Number(response.headers.get('content-length') ?? NaN);
        if (limit !== undefined && declared > limit) {
          await response.body?.cancel();
          throw tooLarge(key, this.description, limit, declared);
        }
        if (!response.body) return new Uint8Array();
        // Content-Length may be missing or a lie: count what actually arrives.
        const body = response.body;
        return readBounded(body, limit, () => tooLarge(key, this.description, limit!), () => void body.cancel().catch(() => {}));
      },
      options.signal,
    );
  }

  async getStream(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array> | null> {
    assertSafeKey(key);
    const body = await this.request(
      key,
      'GET',
      async (response) => {
        if (!(await this.found(response, key))) return null;
        return response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      },
      options.signal,
    );
    if (!body) return null;
    return this.mappedErrors(key, withIdleDeadline(body, this.retry.deadlineMs, () => this.stalled(key), options.signal));
  }

  /** A body that fails mid-way (reset, dropped) fails with the same messages as a request. */
  private async *mappedErrors(key: string, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* source;
    } catch (e) {
      throw this.mapError(e, key);
    }
  }

  private stalled(key: string): ApiError {
    return new ApiError('unreachable', `${this.baseUrl} stopped sending ${key} for ${formatSeconds(this.retry.deadlineMs)} in the middle of it.`);
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    return this.request(
      key,
      'HEAD',
      async (response) => {
        if (response.status === 404 || response.status === 403) return null;
        if (!response.ok) throw new ApiError('internal', `${this.baseUrl}/${key} answered HTTP ${response.status}.`);
        const size = Number(response.headers.get('content-length') ?? NaN);
        const etag = response.headers.get('etag');
        const modified = response.headers.get('last-modified');
        return { key, size: Number.isFinite(size) ? size : 0, ...(etag ? { etag } : {}), ...(modified ? { lastModified: new Date(modified) } : {}) };
      },
      options.signal,
    );
  }

  private readOnly(what: string): ApiError {
    return new ApiError('read-only', `${this.baseUrl} is an HTTP cache, which Narwhal can only read: it cannot ${what}.`);
  }

  async put(): Promise<void> {
    throw this.readOnly('write to it');
  }

  async delete(): Promise<void> {
    throw this.readOnly('delete from it');
  }

  async deleteMany(): Promise<void> {
    throw this.readOnly('delete from it');
  }

  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<ObjectInfo[]> {
    throw new ApiError('read-only', `An HTTP cache cannot be listed: ${this.baseUrl} serves files but no directory of them.`);
  }

  // eslint-disable-next-line require-yield
  async *listTopLevel(): AsyncIterable<string[]> {
    throw new ApiError('read-only', `An HTTP cache cannot be listed: ${this.baseUrl} serves files but no directory of them.`);
  }

  async ensureExists(): Promise<void> {
    throw new ApiError('read-only', `${this.baseUrl} is an HTTP cache; initialise it on the server that hosts it.`);
  }

  close(): void {
    // Nothing held open.
  }
}
