import { ApiError } from '../../../shared/api/errors';
import type { CacheStore } from './cache-store';
import { assertSafeKey } from './cache-store';

/**
 * A read-only cache served over HTTP(S), read as Nix reads it: 404 and 403 both mean "missing".
 * An HTTP server cannot list its keys, so listing needs an index (a later issue) and says so.
 */
export class HttpStore implements CacheStore {
  readonly writable = false;
  readonly description: string;

  constructor(private readonly baseUrl: string) {
    this.description = baseUrl;
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    assertSafeKey(key);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/${key}`, { signal: options.signal ?? AbortSignal.timeout(30_000) });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ApiError('unreachable', `Cannot reach ${this.baseUrl} (${cause}).`);
    }
    if (response.status === 404 || response.status === 403) return null;
    if (!response.ok) throw new ApiError('internal', `${this.baseUrl}/${key} answered HTTP ${response.status}.`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async put(): Promise<void> {
    throw new ApiError('read-only', `${this.baseUrl} is an HTTP cache, which Narwhal can only read.`);
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
