/**
 * Decompressing a stream as it is read, in the compression workers, without holding it: the consumer
 * pulls chunks; stopping early (break, return) stops the download and frees the worker.
 */
import { once } from 'node:events';
import { createBrotliDecompress } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { CompressionMethod } from '../../../shared/push/compression';
import { createDecompressor } from '../compress/compress';

/** What a log or listing object may be compressed with: the NAR methods, and brotli (Nix's `br`). */
export type StreamMethod = CompressionMethod | 'br';

export class CodecError extends Error {
  override name = 'CodecError';
}

/**
 * The decompressed bytes of `source`. A failure of the codec throws CodecError (with the codec's
 * message); a failure of the source is passed on as it is. `source` is closed when this ends or stops.
 */
export async function* decompressStream(source: AsyncIterable<Uint8Array>, method: StreamMethod, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  if (method === 'none') {
    yield* source;
    return;
  }
  const codec: Transform = method === 'br' ? createBrotliDecompress() : createDecompressor(method, { signal });
  let sourceError: unknown;
  const it = source[Symbol.asyncIterator]();
  const pump = (async () => {
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        if (codec.destroyed) return;
        // `once` rejects on the codec's 'error': that failure is the codec's, reported by the reader below.
        if (!codec.write(r.value)) await Promise.race([once(codec, 'drain'), once(codec, 'close')]).catch(() => {});
      }
      codec.end();
    } catch (e) {
      sourceError = e;
      codec.destroy(e as Error);
    }
  })();
  try {
    for await (const chunk of codec) yield chunk as Uint8Array;
  } catch (e) {
    if (sourceError !== undefined) throw sourceError;
    if ((e as Error).name === 'AbortError' || signal?.aborted) throw signal?.reason ?? e;
    throw new CodecError((e as Error).message);
  } finally {
    codec.destroy();
    // Closes the download (a generator waiting for data ends when its own signal or deadline fires).
    void it.return?.()?.catch(() => {});
    void pump;
  }
}

/** The compression a body starts with, by its magic bytes (what Nix's `log-compression` and `ls-compression` write). */
export function sniffCompression(head: Uint8Array): CompressionMethod | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x42, 0x5a, 0x68) && head[3] !== undefined && head[3] >= 0x31 && head[3] <= 0x39) return 'bzip2';
  if (starts(0x1f, 0x8b)) return 'gzip';
  return undefined;
}

/** Reads the first bytes of a stream (at least `n`, unless it is shorter) and gives them back with the rest. */
export async function peek(source: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; all: AsyncGenerator<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let got = 0;
  let done = false;
  while (got < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    parts.push(r.value);
    got += r.value.length;
  }
  const head = Buffer.concat(parts);
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      if (!done) await it.return?.();
    }
  }
  return { head, all: all() };
}
