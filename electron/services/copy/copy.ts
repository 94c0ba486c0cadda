import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { FormatError } from '../../../shared/nix/errors';
import type { SecretKey } from '../../../shared/nix/keys';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { narinfoKey, serialiseNarinfo } from '../../../shared/nix/narinfo';
import { addSignature } from '../../../shared/nix/signature';
import { planPush } from '../../../shared/push/plan';
import { cacheHashes } from '../browse/list-paths';
import { readCacheInfo } from '../caches/cache-service';
import type { CompressionMethod } from '../../../shared/push/compression';
import { ensureCacheInfo } from '../push/ensure-cache-info';
import { targetOf } from '../sign/sign-paths';
import type { PushProgress } from '../push/push';
import { sweepStaleStaging } from '../push/push';
import { sweepIncompleteUploads, sweepNote } from '../push/sweep-multipart';
import { defaultJobs, uploadInOrder } from '../push/upload-in-order';
import { uploadStaged } from '../push/upload-staged';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { asPathInfo, readSourceClosure } from './source-closure';
import type { StagedCopy } from './stage-copy';
import { stageCopy } from './stage-copy';

export interface CopyOptions {
  source: CacheStore;
  destination: CacheStore;
  /** Store paths, base names or hashes, as the user gave them. */
  paths: readonly string[];
  /** Copy the closure of the paths (default) or the paths alone (their references must be in the destination). */
  closure?: boolean;
  /** Recompress to this; the source's compression (its bytes as they are) when omitted. */
  compression?: CompressionMethod;
  level?: number;
  /** Write each copied path's `.ls` listing (the destination URL's `write-nar-listing`, usually). */
  writeNarListing?: boolean;
  /** Adds this key's signature to every narinfo written; the source's signatures are kept either way. */
  signingKey?: SecretKey;
  /** NARs fetched and uploaded at once (default: defaultJobs(), two more than the cores, at most 10). */
  jobs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  /** Things the user should hear that do not stop the copy (incomplete uploads found and aborted). */
  onNote?: (note: string) => void;
}

/** The push's progress, plus what comes before the first NAR: listing the destination, reading narinfos. */
export interface CopyProgress extends PushProgress {
  phase: 'listing' | 'reading' | 'copying';
  /** Narinfo keys of the destination listed. */
  listed: number;
  /** Narinfos of the closure read from the source. */
  narinfosRead: number;
}

export interface CopySummary {
  copied: number;
  /** Paths of the closure the destination had already. */
  skipped: number;
  narBytes: number;
  fileBytes: number;
  elapsedMs: number;
}

/** The destination's narinfo: the source's, pointing at the NAR as copied, with the key's signature added. */
export function copiedNarinfo(source: Narinfo, staged: Omit<StagedCopy, 'listing'>, url: string, signingKey?: SecretKey): Narinfo {
  const { fileHashText: _fileHashText, compressionOmitted: _omitted, ...rest } = source;
  const narinfo: Narinfo = { ...rest, url, compression: staged.compression, fileHash: staged.fileHash, fileSize: staged.fileSize, sigs: [...source.sigs] };
  // The fingerprint (path, NarHash, NarSize, references) is the one the NAR was checked against.
  if (signingKey) addSignature(narinfo, signingKey);
  return narinfo;
}

/**
 * Copies the closure of some paths from one cache to another (S3, folder, or from an HTTP cache),
 * as `nix copy --from A --to B` does between binary caches, with push's guarantees: what the
 * destination has is learnt from one listing and skipped; each NAR streams through a check of its
 * hashes (and a recompression when asked) to a staged file, then up; a narinfo is written only after
 * its NAR and its references' narinfos, so a copy killed at any moment leaves a consistent cache and
 * the same copy run again resumes.
 */
export async function copyClosure(options: CopyOptions): Promise<CopySummary> {
  const started = performance.now();
  const { source, destination, signal } = options;
  if (!destination.writable) throw new ApiError('read-only', `${destination.description} is an HTTP cache, which Narwhal can only read; copy to its s3:// or file:// URL.`);
  const progress: CopyProgress = { phase: 'listing', listed: 0, narinfosRead: 0, pathsTotal: 0, pathsDone: 0, narBytesTotal: 0, narBytesRead: 0, fileBytesUploaded: 0 };
  const report = () => options.onProgress?.({ ...progress });
  report();

  // Both ends must be caches of the same store directory (readCacheInfo refuses another).
  await readCacheInfo(source, signal);
  await ensureCacheInfo(destination, signal ?? new AbortController().signal);
  const present = await cacheHashes(destination, {
    signal,
    onPage: (listed) => {
      progress.listed = listed;
      report();
    },
  });
  progress.phase = 'reading';
  report();
  const narinfos = await readSourceClosure(source, options.paths, {
    skipHashes: present,
    closure: options.closure,
    signal,
    onRead: (read) => {
      progress.narinfosRead = read;
      report();
    },
  });

  let plan;
  try {
    plan = planPush([...narinfos.values()].map(asPathInfo), present);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const hint = options.closure === false ? ' Copy the whole closure, or copy those paths first.' : '';
    throw new ApiError('invalid-input', `Cannot copy from ${source.description}: ${e.message}.${hint}`);
  }
  const byPath = new Map([...narinfos.values()].map((narinfo) => [narinfo.storePath, narinfo]));
  Object.assign(progress, { phase: 'copying', pathsTotal: plan.toPush.length, narBytesTotal: plan.narBytes });
  report();

  if (plan.toPush.length > 0) {
    // Multipart uploads that killed pushes or copies left in the bucket (a day old) go before new ones start.
    const note = sweepNote(await sweepIncompleteUploads(destination, { signal }));
    if (note) options.onNote?.(note);
    // And in a folder, the half-written NARs of killed writers.
    if (destination instanceof FileStore) await destination.sweepTemporaryFiles('nar');
  }
  await sweepStaleStaging(tmpdir());
  // Named like a push's staging folder, so the same sweep removes what a killed copy left.
  const stagingDir = await mkdtemp(join(tmpdir(), `narwhal-push-${process.pid}-`));
  const copied = new Map<string, { url: string; staged: Omit<StagedCopy, 'listing'> }>();
  let fileBytes = 0;
  try {
    await uploadInOrder({
      paths: plan.toPush,
      jobs: options.jobs ?? defaultJobs(),
      signal,
      uploadNar: async (info) => {
        const staged = await stageCopy(source, byPath.get(info.path)!, stagingDir, {
          compression: options.compression,
          level: options.level,
          writeNarListing: options.writeNarListing,
          signal,
          onNarBytes: (bytes) => {
            progress.narBytesRead += bytes;
            report();
          },
        });
        const { url, kept } = await uploadStaged(destination, info.path, staged, staged.compression, signal);
        progress.fileBytesUploaded += staged.fileSize;
        fileBytes += staged.fileSize;
        copied.set(info.path, { url, staged: kept });
      },
      writeNarinfo: async (info) => {
        const { url, staged } = copied.get(info.path)!;
        const narinfo = copiedNarinfo(byPath.get(info.path)!, staged, url, options.signingKey);
        await destination.put(narinfoKey(info.path), serialiseNarinfo(narinfo), contentTypes.narinfo, { signal });
        progress.pathsDone += 1;
        report();
      },
    });
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
  return {
    copied: plan.toPush.length,
    skipped: present.size === 0 ? 0 : countSkipped(options.paths, narinfos, present),
    narBytes: plan.narBytes,
    fileBytes,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * Paths the destination had: the named ones it had, and the references the walk met there. (The
 * closure below a path the destination has is not read, so it is not counted either.)
 */
function countSkipped(inputs: readonly string[], narinfos: Map<string, Narinfo>, present: ReadonlySet<string>): number {
  const skipped = new Set<string>();
  for (const narinfo of narinfos.values()) {
    for (const ref of narinfo.references) {
      const hash = ref.slice(0, 32);
      if (present.has(hash)) skipped.add(hash);
    }
  }
  for (const input of inputs) {
    const hash = targetOf(input).hash;
    if (present.has(hash)) skipped.add(hash);
  }
  return skipped.size;
}
