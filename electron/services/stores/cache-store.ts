/**
 * The storage under a cache, whatever it is (S3 bucket, folder, HTTP server). Every later service
 * (browse, push, audit, garbage collection) reads and writes caches only through this interface, so
 * each backend's quirks, error mapping and retries live in one place.
 *
 * Keys are cache-relative with '/' separators (`nix-cache-info`, `<hash>.narinfo`, `nar/<x>.nar.xz`).
 */
/** What a store knows about one object without reading it. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** The server's entity tag (S3: MD5 of a single-part upload, quoted), when it has one; folders have none. */
  etag?: string;
  lastModified?: Date;
}

/** A body to write: bytes, or a stream of them (a Node Readable is an AsyncIterable<Uint8Array>). */
export type PutBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface GetOptions {
  signal?: AbortSignal;
  /**
   * The most bytes to read; a larger object fails with a `bad-format` error before it is read whole.
   * Defaults to 1 MiB for narinfos and nix-cache-info (see bounded-read.ts), no limit otherwise.
   */
  maxBytes?: number;
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Only keys starting with this. */
  prefix?: string;
  /** '/' lists one level: keys under a deeper '/' after the prefix are left out. */
  delimiter?: '/';
}

export interface CacheStore {
  /** A short human description for messages ("s3://bucket at http://127.0.0.1:7480"). */
  readonly description: string;
  readonly writable: boolean;
  /** The object's bytes, or null when it does not exist. (A 403 stays an access-denied error here: the user wants to know.) */
  get(key: string, options?: GetOptions): Promise<Uint8Array | null>;
  /**
   * The object's bytes as a stream, for objects too big to read whole (NARs), or null when it does
   * not exist. Opening it has the usual deadline and retries; once open, a server that sends nothing
   * for a deadline's length fails the stream (see idle-deadline.ts), and `signal` ends it. The caller
   * reads it to the end or stops early (`break`, `return()`), which closes the connection or file.
   */
  getStream(key: string, options?: { signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array> | null>;
  /**
   * Writes an object whole: a reader sees the old object or the new one, never a part. A stream body is
   * sent as it is read (S3: multipart above one part, folder: a temporary file renamed); aborting the
   * signal abandons the write and leaves nothing behind (S3: AbortMultipartUpload).
   */
  put(key: string, body: PutBody, contentType: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Writes the file `file` of exactly `size` bytes as an object, as `put` would (whole or not at all),
   * for stores that do better reading a file than a stream (S3: parts read straight into reused
   * buffers). A file of another size fails before anything is sent. Stores without it take the file
   * as a stream through `put`.
   */
  putFile?(key: string, file: string, size: number, contentType: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Size, ETag and modification time of an object, or null when it does not exist. */
  head(key: string, options?: { signal?: AbortSignal }): Promise<ObjectInfo | null>;
  /** Removes an object; removing one that does not exist is not an error. */
  delete(key: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Removes many objects (S3: DeleteObjects, 1000 keys a request); fails naming the keys it could not remove. */
  deleteMany(keys: readonly string[], options?: { signal?: AbortSignal }): Promise<void>;
  /** Objects in key order, page by page (S3: up to 1000 a page). HTTP caches cannot be listed. */
  list(options?: ListOptions): AsyncIterable<ObjectInfo[]>;
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
