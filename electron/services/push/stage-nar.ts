import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import type { Hash } from '../../../shared/nix/hash';
import { formatHash, hashEquals, parseHash } from '../../../shared/nix/hash';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import { createCompressor, inputBuffer, inputBufferSize } from '../compress/compress';
import type { CompressionMethod } from '../../../shared/push/compression';
import { dumpPath } from '../nar/nar-writer';
import { ListingTap } from './listing-tap';

export interface StagedNar {
  /** The compressed NAR on disk, to upload and then delete. */
  file: string;
  narHash: Hash;
  narSize: number;
  fileHash: Hash;
  fileSize: number;
  /** The `.ls` listing's bytes (as Nix 2.8 writes them), when `writeNarListing` asked for it. */
  listing?: Uint8Array;
}

/**
 * Writes the compressed NAR of a store path to a file in `dir`, hashing the NAR and the file on the
 * way (in the compression worker), and checks the NarHash against what the local store recorded: a
 * path changed behind Nix's back (or a bug of ours) must never reach a cache under a narinfo that
 * promises other bytes.
 *
 * Why a file and not straight to the upload: a NAR's key in the cache is named after the hash of the
 * compressed file (`nar/<FileHash>.nar.xz`), known only at the end, and memory must stay bounded
 * whatever the size of the path.
 *
 * The compression worker writes the file itself (and fsyncs it with `sync`): the compressed bytes never
 * cross to the main thread, which with two cores was the bottleneck of a push.
 *
 * With `writeNarListing` the `.ls` listing is built from the same chunks on their way to the
 * compressor (no second dump of the path); only the listing itself is held in memory.
 */
export async function stageNar(
  info: LocalPathInfo,
  dir: string,
  options: {
    compression: CompressionMethod;
    level?: number;
    threads?: number;
    writeNarListing?: boolean;
    signal?: AbortSignal;
    onNarBytes?: (bytes: number) => void;
    /** The staged file's full path, instead of `<dir>/<name>.nar.part` (it must not exist). */
    file?: string;
    /** Permissions of the staged file (default 0o600). */
    mode?: number;
    /** fsync the staged file before returning (a file that becomes the cache's NAR by a rename). */
    sync?: boolean;
  },
): Promise<StagedNar> {
  const file = options.file ?? join(dir, `${info.path.slice(info.path.lastIndexOf('/') + 1)}.nar.part`);
  const compressor = createCompressor(options.compression, {
    level: options.level,
    threads: options.threads,
    signal: options.signal,
    // The NAR writer's chunks are fresh buffers nobody else keeps, unless the listing tap reads them too.
    transferInput: !options.writeNarListing,
    outputFile: { path: file, mode: options.mode ?? 0o600, sync: options.sync ?? false },
  });
  // The worker writes the file: the readable side carries nothing and only has to end.
  compressor.resume();
  const tap = options.writeNarListing ? new ListingTap() : undefined;
  const source = async function* () {
    // Chunks of the size the workers hand back, in buffers they handed back (see inputBuffer).
    for await (const chunk of dumpPath(info.path, { signal: options.signal, chunkSize: inputBufferSize, allocate: inputBuffer })) {
      options.onNarBytes?.(chunk.length);
      await tap?.write(chunk);
      yield chunk;
    }
  };
  try {
    try {
      await pipeline(source, compressor, { signal: options.signal });
    } finally {
      // Settles the listing either way; after a failure nobody reads it.
      tap?.end();
    }
    const { input, output } = await compressor.digests;
    const expected = parseHash(info.narHash, 'sha256');
    if (!hashEquals(input.hash, expected) || input.size !== info.narSize) {
      throw new ApiError(
        'bad-format',
        `${info.path} is not what the local store recorded: its NAR hashes to ${formatHash(input.hash, 'nix32', { prefix: true })} (${input.size} bytes), the store says ${info.narHash} (${info.narSize} bytes). Run \`nix-store --verify --check-contents\`; nothing of this path was pushed.`,
      );
    }
    const listing = tap ? encodeNarListing(await tap.listing) : undefined;
    return { file, narHash: input.hash, narSize: input.size, fileHash: output.hash, fileSize: output.size, ...(listing ? { listing } : {}) };
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}
