// Turns whatever a user typed, pasted, dropped or picked into a store path: `./result`, a profile
// link, `~/src/app/result/bin/app`, `file:///nix/store/...`, a path inside a store path.
//
// Symlinks are followed one component at a time and the walk stops at the first store path it
// reaches. So `result/bin/app` means the store path `result` points to, even when `bin/app` is itself
// a link into another store path (as in profiles, where every file links elsewhere): the user named
// the thing `result` is, not where its files lead.
import { lstat, readlink, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { FormatError } from '../../../shared/nix/errors';
import { DEFAULT_STORE_DIR, parseStoreBasename } from '../../../shared/nix/store-path';

export interface ResolveUserPathOptions {
  /** Folder that relative input (`./result`, `result`) is taken from (default: the process's). */
  cwd?: string;
  home?: string;
  storeDir?: string;
}

export interface ResolvedUserPath {
  /** The store path, `/nix/store/<hash>-<name>`. */
  storePath: string;
  /** The absolute path the input was taken as, before following links. */
  input: string;
}

/** Links followed at most before giving up (Linux's own limit is 40). */
const MAX_LINKS = 40;

export async function resolveUserPath(raw: string, opts: ResolveUserPathOptions = {}): Promise<ResolvedUserPath> {
  const storeDir = opts.storeDir ?? DEFAULT_STORE_DIR;
  const input = absoluteInput(raw, opts);

  // Typed as a store path (or inside one): take it as written, without following links.
  const lexical = storeEntry(input, storeDir, storeDir);
  if (lexical) return { storePath: await mustExist(lexical, raw), input };

  let realStore: string | undefined;
  try {
    realStore = await realpath(storeDir);
  } catch {
    realStore = undefined;
  }

  const pending = input.split('/').filter((c) => c !== '' && c !== '.');
  let cur = '/';
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = cur === '/' ? `/${comp}` : `${cur}/${comp}`;
    const inStore = storeEntry(next, storeDir, storeDir) ?? (realStore ? storeEntry(next, realStore, storeDir) : undefined);
    if (inStore) return { storePath: await mustExist(inStore, raw), input };
    let isLink: boolean;
    try {
      isLink = (await lstat(next)).isSymbolicLink();
    } catch (e) {
      throw missing(raw, next, input, e);
    }
    if (!isLink) {
      cur = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new ApiError('invalid-input', `${raw}: too many levels of symbolic links.`);
    const target = await readlink(next);
    if (target.startsWith('/')) cur = '/';
    pending.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
  }
  if (cur === storeDir || cur === realStore) {
    throw new ApiError('invalid-input', `${raw.trim()} is the Nix store folder itself; choose a store path in it.`);
  }
  throw new ApiError(
    'invalid-input',
    `${raw.trim()} is not in the Nix store${cur !== input ? ` (it leads to ${cur})` : raw.trim() !== input ? ` (${input})` : ''}. Choose a store path under ${storeDir}, a result link of nix-build or a profile.`,
  );
}

function absoluteInput(raw: string, opts: ResolveUserPathOptions): string {
  let s = raw.trim();
  // Pasted with quotes, or dropped as a file URL.
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) s = s.slice(1, -1);
  if (s.startsWith('file://')) {
    try {
      s = decodeURIComponent(new URL(s).pathname);
    } catch {
      throw new ApiError('invalid-input', `${raw} is not a valid file URL.`);
    }
  }
  if (s === '') throw new ApiError('invalid-input', 'No path given.');
  if (s.includes('\0')) throw new ApiError('invalid-input', 'A path cannot contain a NUL character.');
  const home = opts.home ?? process.env.HOME ?? os.homedir();
  if (s === '~' || s.startsWith('~/')) s = path.join(home, s.slice(1));
  return path.resolve(opts.cwd ?? process.cwd(), s);
}

/**
 * If `p` is `<dir>/<entry>` or below it, the store path `<storeDir>/<entry>` (checked to be a valid
 * store path name); undefined when `p` is not under `dir`.
 */
function storeEntry(p: string, dir: string, storeDir: string): string | undefined {
  if (!p.startsWith(`${dir}/`)) return undefined;
  const entry = p.slice(dir.length + 1).split('/')[0]!;
  try {
    return `${storeDir}/${parseStoreBasename(entry).basename}`;
  } catch (e) {
    if (e instanceof FormatError) throw new ApiError('invalid-input', `${p} is in ${storeDir} but is not a store path: ${e.message}.`);
    throw e;
  }
}

async function mustExist(storePath: string, raw: string): Promise<string> {
  try {
    await lstat(storePath);
    return storePath;
  } catch {
    throw new ApiError('not-found', `${storePath}${raw.trim() !== storePath ? ` (from ${raw.trim()})` : ''} is not in the local Nix store; it may have been garbage-collected.`);
  }
}

function missing(raw: string, at: string, input: string, e: unknown): ApiError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return new ApiError('access-denied', `${raw}: ${at} cannot be read (permission denied).`);
  return new ApiError('not-found', at === input ? `${raw} does not exist.` : `${raw} does not exist: ${at} is missing.`);
}
