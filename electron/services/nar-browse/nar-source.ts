/**
 * The NAR of a narinfo as a stream of its uncompressed bytes, read from the cache and decompressed
 * as the narinfo's Compression says, never held whole. Stopping early (a preview that has its bytes)
 * ends the download at once.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../../../shared/api/errors';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { COMPRESSION_METHODS, isCompressionMethod, type CompressionMethod } from '../../../shared/push/compression';
import type { Digest } from '../compress/compress';
import type { CacheStore } from '../stores/cache-store';
import { CodecError, decompressStream } from './decompress-stream';

export interface OpenedNar {
  /** The NAR's bytes; read them once. */
  chunks: AsyncGenerator<Uint8Array>;
  /** What the compressed file and the NAR were; known once `chunks` has been read to its end. */
  digests(): { file: Digest; nar: Digest };
  /** Ends the download if `chunks` was not read to its end (or not read at all). */
  close(): Promise<void>;
}

/** The narinfo's Compression, if Narwhal reads it, and its URL, if it is inside the cache. */
export function narCompression(store: CacheStore, narinfo: Narinfo): CompressionMethod {
  const method = narinfo.compression;
  if (!isCompressionMethod(method)) {
    throw new ApiError('bad-format', `${narinfo.storePath} is stored as "${method}" in ${store.description}; Narwhal reads ${COMPRESSION_METHODS.join(', ')}.`);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(narinfo.url)) {
    throw new ApiError('bad-format', `The narinfo of ${narinfo.storePath} in ${store.description} points at ${narinfo.url}, outside the cache; Narwhal reads only NARs the cache holds.`);
  }
  return method;
}

class Counter {
  private readonly hasher = createHash('sha256');
  size = 0;
  add(chunk: Uint8Array): void {
    this.hasher.update(chunk);
    this.size += chunk.length;
  }
  digest(): Digest {
    return { hash: { algo: 'sha256', bytes: new Uint8Array(this.hasher.digest()) }, size: this.size };
  }
}

export async function openNar(
  store: CacheStore,
  narinfo: Narinfo,
  options: { signal?: AbortSignal; onFileBytes?: (bytes: number) => void; onNarBytes?: (bytes: number) => void } = {},
): Promise<OpenedNar> {
  const method = narCompression(store, narinfo);
  const path = narinfo.storePath;
  // Our own signal, so that stopping early ends the download now, not when its next chunk arrives.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal!.reason);
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let body: AsyncIterable<Uint8Array> | null;
  try {
    body = await store.getStream(narinfo.url, { signal: stop.signal });
  } catch (e) {
    options.signal?.removeEventListener('abort', onAbort);
    throw e;
  }
  if (!body) {
    options.signal?.removeEventListener('abort', onAbort);
    throw new ApiError('not-found', `${store.description} has the narinfo of ${path} but not its NAR ${narinfo.url}.`);
  }
  const file = new Counter();
  const nar = new Counter();
  let complete = false;
  const source = body;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      file.add(chunk);
      options.onFileBytes?.(chunk.length);
      yield chunk;
    }
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of decompressStream(counted(), method, stop.signal)) {
        if (nar.size + chunk.length > narinfo.narSize) {
          throw new ApiError('bad-format', `The NAR of ${path} in ${store.description} decompresses to more than its NarSize of ${narinfo.narSize} bytes; stopped there.`);
        }
        nar.add(chunk);
        options.onNarBytes?.(chunk.length);
        yield chunk;
      }
      complete = true;
    } catch (e) {
      if (e instanceof CodecError) {
        throw new ApiError('bad-format', `The NAR of ${path} in ${store.description} (${narinfo.url}, ${method}) cannot be decompressed after ${file.size} bytes of it: ${e.message}`);
      }
      throw e;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (!complete) stop.abort(new Error('stopped reading'));
    }
  }
  const reader = chunks();
  return {
    chunks: reader,
    digests: () => {
      if (!complete) throw new Error('the NAR was not read to its end');
      return { file: file.digest(), nar: nar.digest() };
    },
    close: async () => {
      await reader.return(undefined);
      // A reader never started has no finally to run: stop the download here.
      options.signal?.removeEventListener('abort', onAbort);
      if (!complete) stop.abort(new Error('stopped reading'));
    },
  };
}

/**
 * The NAR file as the cache stores it (compressed), counted and hashed on the way; a file that runs
 * past its FileSize is stopped there. `digests().nar` is not known here (it is the file's digest).
 */
export async function openStoredFile(store: CacheStore, narinfo: Narinfo, options: { signal?: AbortSignal } = {}): Promise<OpenedNar> {
  narCompression(store, narinfo);
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal!.reason);
  options.signal?.throwIfAborted();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    options.signal?.removeEventListener('abort', onAbort);
    if (!complete) stop.abort(new Error('stopped reading'));
  };
  let complete = false;
  let body: AsyncIterable<Uint8Array> | null;
  try {
    body = await store.getStream(narinfo.url, { signal: stop.signal });
  } catch (e) {
    release();
    throw e;
  }
  if (!body) {
    release();
    throw new ApiError('not-found', `${store.description} has the narinfo of ${narinfo.storePath} but not its NAR ${narinfo.url}.`);
  }
  const file = new Counter();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* checked();
    } finally {
      release();
    }
  }
  async function* checked(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body!) {
      if (narinfo.fileSize !== undefined && file.size + chunk.length > narinfo.fileSize) {
        throw new ApiError('bad-format', `The NAR file of ${narinfo.storePath} in ${store.description} (${narinfo.url}) is longer than its FileSize of ${narinfo.fileSize} bytes; stopped there.`);
      }
      file.add(chunk);
      yield chunk;
    }
    complete = true;
  }
  const reader = chunks();
  return {
    chunks: reader,
    digests: () => {
      if (!complete) throw new Error('the NAR file was not read to its end');
      const digest = file.digest();
      return { file: digest, nar: digest };
    },
    close: async () => {
      await reader.return(undefined);
      release();
    },
  };
}
