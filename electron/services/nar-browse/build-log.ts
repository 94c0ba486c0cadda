/**
 * The build log of a path, as Nix uploads it: `log/<deriver base name>` (BinaryCacheStore::addBuildLog;
 * `nix store copy-log --to`). An S3 store with `log-compression` stores it compressed and says so with
 * Content-Encoding, which Nix decodes when it reads; our stores hand out the bytes as stored, so the
 * compression is recognised by its magic bytes (brotli, which has none, by trying it).
 */
import { brotliDecompressSync } from 'node:zlib';
import { maxLogBytesShown, type BuildLogView } from '../../../shared/api/contract-nar';
import type { Narinfo } from '../../../shared/nix/narinfo';
import type { CacheStore } from '../stores/cache-store';
import { decompressStream, peek, sniffCompression } from './decompress-stream';

export const logKey = (deriver: string) => `log/${deriver}`;

export interface OpenedLog {
  key: string;
  compression?: string;
  chunks: AsyncGenerator<Uint8Array>;
}

/** The log's text as a stream, decompressed; null when the cache has none. Stopping early ends the download. */
export async function openLog(store: CacheStore, deriver: string, signal?: AbortSignal): Promise<OpenedLog | null> {
  const key = logKey(deriver);
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal!.reason);
  signal?.throwIfAborted();
  signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    signal?.removeEventListener('abort', onAbort);
    stop.abort(new Error('stopped reading'));
  };
  try {
    const body = await store.getStream(key, { signal: stop.signal });
    if (!body) {
      release();
      return null;
    }
    const { head, all } = await peek(body, 6);
    const method = sniffCompression(head);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      try {
        yield* decompressStream(all, method ?? 'none', stop.signal);
      } finally {
        release();
      }
    }
    return { key, ...(method ? { compression: method } : {}), chunks: chunks() };
  } catch (e) {
    release();
    throw e;
  }
}

const isUtf8 = (bytes: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** What the log tab shows: the first `maxBytes` of the log, or why there is none. */
export async function readBuildLog(store: CacheStore, narinfo: Narinfo, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<BuildLogView> {
  const maxBytes = options.maxBytes ?? maxLogBytesShown;
  const storePath = narinfo.storePath;
  if (!narinfo.deriver) return { status: 'no-deriver', storePath };
  const deriver = narinfo.deriver;
  const log = await openLog(store, deriver, options.signal);
  if (!log) return { status: 'missing', storePath, deriver, key: logKey(deriver) };
  const parts: Uint8Array[] = [];
  let got = 0;
  let truncated = false;
  try {
    for await (const chunk of log.chunks) {
      const take = Math.min(chunk.length, maxBytes - got);
      parts.push(chunk.slice(0, take));
      got += take;
      if (take < chunk.length) {
        truncated = true;
        break;
      }
    }
  } finally {
    await log.chunks.return(undefined);
  }
  let bytes: Uint8Array = Buffer.concat(parts);
  let compression = log.compression;
  if (!compression && !truncated && !isUtf8(bytes)) {
    // Brotli (`log-compression=br`) has no magic bytes: try it on a log that is not text as stored.
    try {
      const decoded = brotliDecompressSync(bytes, { maxOutputLength: maxBytes });
      if (isUtf8(decoded)) {
        bytes = decoded;
        compression = 'br';
      }
    } catch {
      // Not brotli either: shown as it is, with replacement characters.
    }
  }
  // A character cut by the size cap is dropped rather than shown as a replacement character.
  const text = new TextDecoder('utf-8').decode(bytes, { stream: truncated });
  return { status: 'found', storePath, deriver, key: log.key, text, shownBytes: bytes.length, truncated, ...(compression ? { compression } : {}) };
}
