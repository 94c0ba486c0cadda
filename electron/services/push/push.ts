import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import type { SecretKey } from '../../../shared/nix/keys';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { narinfoKey, serialiseNarinfo } from '../../../shared/nix/narinfo';
import { addSignature } from '../../../shared/nix/signature';
import { planPush } from '../../../shared/push/plan';
import type { CompressionMethod } from '../../../shared/push/compression';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { compressionThreads } from './compression-threads';
import type { StagedNar } from './stage-nar';
import { stageNar } from './stage-nar';
import { defaultJobs, uploadInOrder } from './upload-in-order';
import { uploadStaged } from './upload-staged';
import { processAlive } from '../util/process-alive';

export interface PushOptions {
  /** The cache to push to. */
  store: CacheStore;
  /** The closure to push, with its metadata from the local store. */
  closure: readonly LocalPathInfo[];
  /** Store path hashes whose narinfo the cache has (from one listing): skipped. */
  presentHashes: ReadonlySet<string>;
  compression: CompressionMethod;
  level?: number;
  /**
   * Writes each path's `.ls` listing (`<hash>.ls`, as `write-nar-listing=true` makes Nix do), so its
   * files can be browsed without fetching the NAR. Off by default, as in Nix.
   */
  writeNarListing?: boolean;
  /** Signs every narinfo written; without it they are written unsigned (the caller asked the user). */
  signingKey?: SecretKey;
  /** NARs prepared and uploaded at once (default: defaultJobs(), two more than the cores, at most 10). */
  jobs?: number;
  /** Where compressed NARs wait for their upload (a temporary folder by default). */
  stagingDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PushProgress) => void;
}

export interface PushProgress {
  pathsTotal: number;
  pathsDone: number;
  /** NAR bytes of the paths to push, read so far (before compression). */
  narBytesTotal: number;
  narBytesRead: number;
  /** Compressed bytes uploaded so far. */
  fileBytesUploaded: number;
}

export interface PushSummary {
  pushed: number;
  skipped: number;
  narBytes: number;
  fileBytes: number;
  elapsedMs: number;
}

/**
 * Removes the staging folders that killed pushes left behind (a SIGKILLed process runs no `finally`,
 * and its folder may hold partial NARs as big as its paths). Each folder is named after its pushing
 * process (`narwhal-push-<pid>-…`); one is stale when that process is gone and the folder has not
 * changed for a minute (the second condition guards against a pid from another pid namespace sharing
 * the temporary folder). Best effort: a folder that cannot be removed stays.
 */
export async function sweepStaleStaging(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^narwhal-push-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    const folder = join(parent, name);
    const changed = await stat(folder).then((s) => s.mtimeMs, () => undefined);
    if (changed === undefined || Date.now() - changed < 60_000) continue;
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The narinfo for a path whose NAR is in the cache under `url`. */
export function narinfoFor(info: LocalPathInfo, staged: Pick<StagedNar, 'narHash' | 'fileHash' | 'fileSize'>, url: string, compression: string, signingKey?: SecretKey): Narinfo {
  const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const narinfo: Narinfo = {
    storePath: info.path,
    url,
    compression,
    fileHash: staged.fileHash,
    fileSize: staged.fileSize,
    narHash: staged.narHash,
    narSize: info.narSize,
    references: info.references.map(base),
    ...(info.deriver ? { deriver: base(info.deriver) } : {}),
    // The signatures the local store has travel with the path, as with `nix copy`.
    sigs: [...info.signatures],
    ...(info.ca ? { ca: info.ca } : {}),
    unknown: [],
  };
  // The fingerprint (path, NarHash, NarSize, references) is the one the NAR was checked against.
  if (signingKey) addSignature(narinfo, signingKey);
  return narinfo;
}

/**
 * Pushes a closure to a cache. NARs go up in parallel (`jobs` at a time), each streamed from the store
 * through NarHash, the compressor and FileHash to a staged file, checked against the local store's
 * NarHash, then uploaded. A narinfo is written only after its NAR and the narinfos of all its
 * references (NarinfoOrder), so whatever moment the push is killed, every narinfo in the cache has
 * its NAR and its closure; running the same push again resumes, since paths with a narinfo are skipped.
 */
export async function pushClosure(options: PushOptions): Promise<PushSummary> {
  const started = performance.now();
  const { store, signal } = options;
  const plan = planPush(options.closure, options.presentHashes);
  const staged = new Map<string, { url: string; nar: Omit<StagedNar, 'listing'> }>();
  const progress: PushProgress = { pathsTotal: plan.toPush.length, pathsDone: 0, narBytesTotal: plan.narBytes, narBytesRead: 0, fileBytesUploaded: 0 };
  const report = () => options.onProgress?.({ ...progress });
  // A folder cache's NARs are staged in the folder itself, under temporary names, and renamed into
  // place: each NAR is written once (and fsynced before the rename, as put() would), not staged, read
  // back and written again.
  const inPlace = !options.stagingDir && store instanceof FileStore ? store : undefined;
  if (!options.stagingDir && !inPlace) await sweepStaleStaging(tmpdir());
  // What pushes killed while writing into this folder left (temporary names under nar/) goes first.
  if (inPlace && plan.toPush.length > 0) await inPlace.sweepTemporaryFiles('nar');
  const stagingDir = options.stagingDir ?? (inPlace ? undefined : await mkdtemp(join(tmpdir(), `narwhal-push-${process.pid}-`)));
  let fileBytes = 0;

  async function uploadNar(info: LocalPathInfo): Promise<void> {
    const file = inPlace ? await inPlace.temporaryFile('nar', info.path.slice(info.path.lastIndexOf('/') + 1)) : undefined;
    const nar = await stageNar(info, stagingDir ?? '', {
      ...(file ? { file, mode: 0o644 } : {}),
      compression: options.compression,
      level: options.level,
      threads: compressionThreads(options.compression, info.narSize, availableParallelism()),
      writeNarListing: options.writeNarListing,
      signal,
      onNarBytes: (bytes) => {
        progress.narBytesRead += bytes;
        report();
      },
    });
    const { url, kept } = await uploadStaged(store, info.path, nar, options.compression, signal);
    progress.fileBytesUploaded += nar.fileSize;
    fileBytes += nar.fileSize;
    staged.set(info.path, { url, nar: kept });
  }

  async function writeNarinfo(info: LocalPathInfo): Promise<void> {
    const { url, nar } = staged.get(info.path)!;
    const text = serialiseNarinfo(narinfoFor(info, nar, url, options.compression, options.signingKey));
    await store.put(narinfoKey(info.path), text, contentTypes.narinfo, { signal });
    progress.pathsDone += 1;
    report();
  }

  try {
    report();
    await uploadInOrder({ paths: plan.toPush, jobs: options.jobs ?? defaultJobs(), signal, uploadNar, writeNarinfo });
  } finally {
    if (!options.stagingDir && stagingDir) await rm(stagingDir, { recursive: true, force: true });
  }
  return { pushed: plan.toPush.length, skipped: plan.present.length, narBytes: plan.narBytes, fileBytes, elapsedMs: Math.round(performance.now() - started) };
}
