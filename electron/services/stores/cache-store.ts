/**
 * The storage under a cache, whatever it is (S3 bucket, folder, HTTP server). Every later service
 * (browse, push, audit, garbage collection) reads and writes caches only through this interface, so
 * each backend's quirks, error mapping and retries live in one place.
 *
 * Keys are cache-relative with '/' separators (`nix-cache-info`, `<hash>.narinfo`, `nar/<x>.nar.xz`).
 */
export interface CacheStore {
  /** A short human description for messages ("s3://bucket at http://127.0.0.1:7480"). */
  readonly description: string;
  readonly writable: boolean;
  /** The object's bytes, or null when it does not exist. (A 403 stays an access-denied error here: the user wants to know.) */
  get(key: string, options?: { signal?: AbortSignal }): Promise<Uint8Array | null>;
  put(key: string, body: Uint8Array | string, contentType: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Keys directly under the cache's top level (no '/'), page by page, so a listing of 100 000
   * narinfos streams instead of arriving at the end.
   */
  listTopLevel(options?: { signal?: AbortSignal }): AsyncIterable<string[]>;
  /** Makes the bucket or folder if it does not exist yet. */
  ensureExists(options?: { signal?: AbortSignal }): Promise<void>;
  /** Releases what the store holds open (an S3 client's sockets) once its connection is edited or removed. */
  close(): void;
}

export const contentTypes = {
  cacheInfo: 'text/x-nix-cache-info',
  narinfo: 'text/x-nix-narinfo',
  nar: 'application/x-nix-nar',
  listing: 'application/json',
  log: 'text/plain; charset=utf-8',
} as const;

/** Keys are relative, '/'-separated, without '.' or '..' segments: checked before any backend sees them. */
export function assertSafeKey(key: string): void {
  if (!key || key.startsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..') || key.includes('\0')) {
    throw new Error(`Refusing unsafe cache key "${key}".`);
  }
}
