// Closures and metadata of local store paths: from Nix's database when Nix itself would open it
// directly (path-info-db.ts: root, or a single-user install), else from `nix path-info --json`, which
// works the same on every install, through the daemon or a remote store (measured and argued in
// README.md beside this file).
import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { FormatError } from '../../../shared/nix/errors';
import { DEFAULT_STORE_DIR, parseStorePath } from '../../../shared/nix/store-path';
import { databaseUnusable, nixDatabaseDir, readPathInfos } from './path-info-db';
import { parsePathInfoJson } from './path-info-json';
import { runNix, type NixRunOptions } from './run-nix';

export interface PathInfoOptions extends NixRunOptions {
  /** The closure of the paths (`--recursive`), not only the paths. */
  recursive?: boolean;
  storeDir?: string;
  /**
   * Where the answer comes from: `auto` (default) reads the database when Nix would, else runs the CLI;
   * `cli` and `database` force one (`database` fails when it cannot be used; for tests).
   */
  source?: 'auto' | 'cli' | 'database';
}

/**
 * Paths given on one command line at most. A NixOS system closure is ~3 000 paths of ~70 bytes;
 * batches keep far below ARG_MAX everywhere (macOS: 1 MiB).
 */
const BATCH = 2000;

/**
 * Metadata of `paths` (or of their closure, with `recursive`), each path once, in the order Nix printed
 * them (from the database: by path, which is Nix 2.8's order). Fails with `invalid-input` for something that is not a store path and `not-found` naming the
 * paths the store does not have.
 */
export async function pathInfo(paths: readonly string[], opts: PathInfoOptions = {}): Promise<LocalPathInfo[]> {
  const storeDir = opts.storeDir ?? DEFAULT_STORE_DIR;
  for (const p of paths) {
    try {
      parseStorePath(p, storeDir);
    } catch (e) {
      if (e instanceof FormatError) throw new ApiError('invalid-input', `Not a store path: ${e.message}`);
      throw e;
    }
  }
  if (opts.signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
  const unique = [...new Set(paths)];
  const fromDatabase = opts.source === 'cli' ? undefined : await fromNixDatabase(unique, opts);
  // A path the database lacks goes to the CLI as well: it says why in Nix's words, and a store we
  // failed to recognise as another one is then asked properly.
  if (fromDatabase && fromDatabase.invalid.length === 0) return fromDatabase.infos;
  if (opts.source === 'database') throw notInStore(fromDatabase!.invalid);
  const byPath = new Map<string, LocalPathInfo>();
  const invalid: string[] = [];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const args = [
      'path-info',
      '--json',
      // `nix path-info` is "experimental" in Nix 2.8 to 2.x; this flag exists in all of them and in Lix.
      '--extra-experimental-features',
      'nix-command',
      // Never ask substituters: a path that is not local must fail at once, not after network timeouts.
      '--offline',
      ...(opts.recursive ? ['--recursive'] : []),
      '--',
      ...batch,
    ];
    const { stdout } = await runNix('nix', args, opts);
    const parsed = parsePathInfoJson(stdout, storeDir);
    for (const info of parsed.infos) if (!byPath.has(info.path)) byPath.set(info.path, info);
    invalid.push(...parsed.invalid);
  }
  if (invalid.length > 0) throw notInStore(invalid);
  return [...byPath.values()];
}

function notInStore(invalid: readonly string[]): ApiError {
  const shown = invalid.slice(0, 5).join(', ');
  return new ApiError('not-found', `${invalid.length === 1 ? 'This path is' : `${invalid.length} paths are`} not in the local Nix store: ${shown}${invalid.length > 5 ? ', …' : ''}`);
}

/** The database's answer, or undefined when it is not for us or cannot be read (then the CLI answers). */
async function fromNixDatabase(paths: readonly string[], opts: PathInfoOptions): Promise<ReturnType<typeof readPathInfos> | undefined> {
  const env = opts.env ?? process.env;
  const unusable = await databaseUnusable(env);
  if (unusable) {
    if (opts.source === 'database') throw new ApiError('internal', `Nix's database cannot be read here: ${unusable}.`);
    return undefined;
  }
  try {
    return readPathInfos(nixDatabaseDir(env), paths, opts.recursive ?? false);
  } catch (e) {
    if (opts.source === 'database') throw e;
    return undefined;
  }
}
