/**
 * Saving a path's NAR (as stored, or decompressed), its build log, or its unpacked files on the
 * machine Narwhal runs on. A file is written under a temporary name and appears under its own name
 * only once it is complete and checked; an existing file is replaced only when asked.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../../shared/api/errors';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { fileChecks, narChecks, narProblems } from '../copy/nar-check';
import { extractNar, NarExtractError, type ExtractSummary } from '../nar/nar-extract';
import { NarError } from '../nar/nar-reader';
import type { CacheStore } from '../stores/cache-store';
import { openLog } from './build-log';
import { openNar, openStoredFile } from './nar-source';
import { baseNameOf } from './path-narinfo';

/** An absolute path from what the user typed: absolute, or `~`/`~/…`. */
export function userPath(input: string, home: string = homedir()): string {
  const s = input.trim();
  const expanded = s === '~' || s.startsWith('~/') ? join(home, s.slice(1)) : s;
  if (!isAbsolute(expanded)) throw new ApiError('invalid-input', `"${input}" is not an absolute path (or one starting with ~/).`);
  return resolve(expanded);
}

const exists = async (path: string) => {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
};

export type SaveWhat = 'compressed' | 'nar' | 'log';

/** The file name a download gets: `<hash>-<name>.nar.xz`, `<hash>-<name>.nar`, `<deriver>.log`. */
export function saveName(narinfo: Narinfo, what: SaveWhat): string {
  if (what === 'log') {
    if (!narinfo.deriver) throw new ApiError('not-found', `The narinfo of ${narinfo.storePath} names no deriver, so there is no build log to save.`);
    return `${narinfo.deriver}.log`;
  }
  const base = `${baseNameOf(narinfo)}.nar`;
  if (what === 'nar') return base;
  // The stored file's extension, as Nix names it (`.nar.xz`, `.nar.zst`, …; none for gzip and none).
  const url = narinfo.url;
  const at = url.lastIndexOf('.nar');
  const ext = at >= 0 ? url.slice(at + 4) : '';
  return /^(\.[A-Za-z0-9]{1,8})?$/.test(ext) ? base + ext : base;
}

export interface SaveOptions {
  what: SaveWhat;
  folder: string;
  overwrite: boolean;
  home?: string;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

/** Writes the chosen bytes to `<folder>/<saveName>`; returns the file and its size, and whether they were checked against the narinfo. */
export async function saveFromCache(store: CacheStore, narinfo: Narinfo, options: SaveOptions): Promise<{ file: string; bytes: number; checked: boolean }> {
  const folder = userPath(options.folder, options.home);
  const file = join(folder, saveName(narinfo, options.what));
  if (!options.overwrite && (await exists(file))) {
    throw new ApiError('conflict', `${file} exists already; choose another folder, or allow replacing it.`);
  }
  await mkdir(folder, { recursive: true });
  const temp = `${file}.part-${randomBytes(4).toString('hex')}`;
  const { signal } = options;
  let bytes = 0;
  const count = async function* (source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      bytes += chunk.length;
      options.onBytes?.(bytes);
      yield chunk;
    }
  };
  let checked = false;
  try {
    if (options.what === 'log') {
      const log = await openLog(store, narinfo.deriver!, signal);
      if (!log) throw new ApiError('not-found', `${store.description} has no build log ${`log/${narinfo.deriver}`} for ${narinfo.storePath}.`);
      await pipeline(count(log.chunks), createWriteStream(temp, { flags: 'wx', mode: 0o644 }), { signal });
    } else {
      const nar = options.what === 'nar' ? await openNar(store, narinfo, { signal }) : await openStoredFile(store, narinfo, { signal });
      try {
        await pipeline(count(nar.chunks), createWriteStream(temp, { flags: 'wx', mode: 0o644 }), { signal });
      } finally {
        await nar.close();
      }
      const digests = nar.digests();
      const problems = narProblems(options.what === 'nar' ? narChecks(narinfo, digests.nar) : fileChecks(narinfo, digests.file));
      if (problems.length) {
        throw new ApiError('bad-format', `The NAR of ${narinfo.storePath} in ${store.description} is not what its narinfo says: ${problems.join('; ')}. Nothing was saved; the integrity check tells more.`);
      }
      checked = true;
    }
    if (options.overwrite) await rename(temp, file);
    else {
      // link, unlike rename, fails when the name is taken meanwhile: nothing is replaced unasked.
      try {
        await link(temp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ApiError('conflict', `${file} appeared while saving; it was left alone.`);
        throw e;
      }
      await rm(temp, { force: true });
    }
    return { file, bytes, checked };
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** Unpacks the path's NAR into `target` (new, or an empty folder) with the safe extraction, then checks NarSize and NarHash. */
export async function extractFromCache(
  store: CacheStore,
  narinfo: Narinfo,
  options: { target: string; home?: string; signal?: AbortSignal; onBytes?: (bytes: number) => void },
): Promise<ExtractSummary & { target: string }> {
  const target = userPath(options.target, options.home);
  await mkdir(dirname(target), { recursive: true });
  let bytes = 0;
  const nar = await openNar(store, narinfo, { signal: options.signal, onNarBytes: (n) => options.onBytes?.((bytes += n)) });
  let summary: ExtractSummary;
  try {
    summary = await extractNar(nar.chunks, target, { signal: options.signal });
  } catch (e) {
    if (e instanceof NarExtractError) throw new ApiError(e.cause instanceof NarError ? 'bad-format' : 'conflict', e.message);
    throw e;
  } finally {
    await nar.close();
  }
  const problems = narProblems(narChecks(narinfo, nar.digests().nar));
  if (problems.length) {
    throw new ApiError('bad-format', `The NAR of ${narinfo.storePath} is not what its narinfo says: ${problems.join('; ')}. What was extracted is left in ${target}.`);
  }
  return { ...summary, target };
}
