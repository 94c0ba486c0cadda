import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/api/errors';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import type { Narinfo } from '../../../shared/nix/narinfo';
import type { CodecStream } from '../compress/compress';
import { createCompressor, createDecompressor } from '../compress/compress';
import type { CompressionMethod } from '../../../shared/push/compression';
import { COMPRESSION_METHODS, isCompressionMethod } from '../../../shared/push/compression';
import { compressionThreads } from '../push/compression-threads';
import { ListingTap } from '../push/listing-tap';
import type { StagedNar } from '../push/stage-nar';
import type { CacheStore } from '../stores/cache-store';
import { narinfoChecks, narProblems, teeInto } from './nar-check';

export interface StageCopyOptions {
  /** The destination's compression; the source's when omitted (its bytes are then kept as they are). */
  compression?: CompressionMethod;
  level?: number;
  /** Also build the `.ls` listing of the NAR, from the decompressed bytes on their way. */
  writeNarListing?: boolean;
  signal?: AbortSignal;
  /** NAR bytes decompressed so far, as they come. */
  onNarBytes?: (bytes: number) => void;
}

export interface StagedCopy extends StagedNar {
  compression: CompressionMethod;
}

/**
 * Fetches the NAR of a source narinfo into a file in `dir`, ready to upload, and proves it is what the
 * narinfo says before anything reaches the destination: the file's FileHash and FileSize (when the
 * narinfo has them) and, decompressed, its NarHash and NarSize. A copy re-signs and re-publishes a
 * path, so it must never carry a NAR that does not match its narinfo; `nix copy` checks the same.
 *
 * Kept compression: the source's bytes are written as they are, decompressed on the side only to be
 * checked. Another compression: decompressed, then recompressed (both in worker threads).
 * Memory stays bounded whatever the NAR's size; a NAR that decompresses to more than its NarSize is
 * stopped there (a hostile cache's decompression bomb fills neither memory nor disk).
 */
export async function stageCopy(source: CacheStore, narinfo: Narinfo, dir: string, options: StageCopyOptions = {}): Promise<StagedCopy> {
  const path = narinfo.storePath;
  const from = narinfo.compression;
  if (!isCompressionMethod(from)) {
    throw new ApiError('bad-format', `${path} is stored as "${from}" in ${source.description}; Narwhal reads ${COMPRESSION_METHODS.join(', ')}.`);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(narinfo.url)) {
    throw new ApiError('bad-format', `The narinfo of ${path} in ${source.description} points at ${narinfo.url}, outside the cache; Narwhal copies only NARs the cache holds.`);
  }
  const to = options.compression ?? from;
  const { signal } = options;
  const body = await source.getStream(narinfo.url, { signal });
  if (!body) throw new ApiError('not-found', `${source.description} has the narinfo of ${path} but not its NAR ${narinfo.url}; nothing of this path was copied.`);

  const file = join(dir, `${path.slice(path.lastIndexOf('/') + 1)}.copy.part`);
  const decompressor = createDecompressor(from, { signal });
  let narBytes = 0;
  const countNar = (chunk: Uint8Array) => {
    if (narBytes > narinfo.narSize) return; // stopped already
    narBytes += chunk.byteLength;
    if (narBytes > narinfo.narSize) {
      // Not inside the codec's own 'data' event (the kept-compression path counts there): the codec
      // still posts to its worker after emitting, and a destroy in between crashed the process.
      const error = new ApiError('bad-format', `The NAR of ${path} in ${source.description} decompresses to more than its NarSize of ${narinfo.narSize} bytes; stopped there, nothing of this path was copied.`);
      queueMicrotask(() => decompressor.destroy(error));
      return;
    }
    options.onNarBytes?.(chunk.byteLength);
  };
  let recompressor: CodecStream | undefined;
  const tap = options.writeNarListing ? new ListingTap() : undefined;
  try {
    if (to === from) {
      // The decompressed side is only counted, hashed (in its worker) and listed, never kept.
      decompressor.on('data', (chunk: Uint8Array) => {
        countNar(chunk);
        if (!tap) return;
        // The listing may fall behind by a few chunks; beyond that the decompressor waits for it.
        decompressor.pause();
        void tap.write(chunk).then(() => decompressor.resume());
      });
      decompressor.on('error', () => {}); // its failure surfaces through `digests` below
      await pipeline(teeInto(body, decompressor), createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
    } else {
      recompressor = createCompressor(to, { level: options.level, threads: compressionThreads(to, narinfo.narSize, availableParallelism()), signal });
      const counted = async function* (nar: AsyncIterable<Uint8Array>) {
        for await (const chunk of nar) {
          countNar(chunk);
          await tap?.write(chunk);
          yield chunk;
        }
      };
      await pipeline(body, decompressor, counted, recompressor, createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
    }
    // Decompressing, what went in is the source's file and what came out its NAR.
    const { input: fileDigest, output: narDigest } = await decompressor.digests;
    const problems = narProblems(narinfoChecks(narinfo, fileDigest, narDigest));
    if (problems.length > 0) {
      throw new ApiError('bad-format', `The NAR of ${path} in ${source.description} (${narinfo.url}) is not what its narinfo says: ${problems.join('; ')}. Nothing of this path was copied.`);
    }
    const out = recompressor ? (await recompressor.digests).output : fileDigest;
    tap?.end();
    const listing = tap ? encodeNarListing(await tap.listing) : undefined;
    return { file, compression: to, narHash: narDigest.hash, narSize: narDigest.size, fileHash: out.hash, fileSize: out.size, ...(listing ? { listing } : {}) };
  } catch (e) {
    tap?.end();
    await rm(file, { force: true });
    // A codec that fails on the bytes (not xz, truncated) says so, naming the path and the cache; any
    // other failure (the staging disk full, say) is not the NAR's fault and goes on as it is.
    const codecFailed = e === decompressor.errored || (recompressor !== undefined && e === recompressor.errored);
    if (e instanceof ApiError || !codecFailed) throw e;
    throw new ApiError('bad-format', `The NAR of ${path} in ${source.description} (${narinfo.url}, ${from}) cannot be read: ${(e as Error).message}. Nothing of this path was copied.`);
  } finally {
    decompressor.destroy();
    recompressor?.destroy();
  }
}
