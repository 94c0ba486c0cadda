// Closures and metadata of local store paths, from `nix path-info --json`.
//
// Why the CLI and not the store database (measured in README.md beside this file): the CLI works
// the same on single- and multi-user installs, through the daemon, whatever the schema version, and
// on a 45-path closure it answers in about 0.1 s. Reading /nix/var/nix/db/db.sqlite ourselves would
// need a native SQLite binding, a read-only open of a WAL database whose folder a normal user cannot
// write (SQLite then refuses unless the -shm file already exists), and tracking schema changes.
import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { FormatError } from '../../../shared/nix/errors';
import { DEFAULT_STORE_DIR, parseStorePath } from '../../../shared/nix/store-path';
import { parsePathInfoJson } from './path-info-json';
import { runNix, type NixRunOptions } from './run-nix';

export interface PathInfoOptions extends NixRunOptions {
  /** The closure of the paths (`--recursive`), not only the paths. */
  recursive?: boolean;
  storeDir?: string;
}

/**
 * Paths given on one command line at most. A NixOS system closure is ~3 000 paths of ~70 bytes;
 * batches keep far below ARG_MAX everywhere (macOS: 1 MiB).
 */
const BATCH = 2000;

/**
 * Metadata of `paths` (or of their closure, with `recursive`), each path once, in the order Nix printed
 * them. Fails with `invalid-input` for something that is not a store path and `not-found` naming the
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
  const unique = [...new Set(paths)];
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
  if (invalid.length > 0) {
    const shown = invalid.slice(0, 5).join(', ');
    throw new ApiError(
      'not-found',
      `${invalid.length === 1 ? 'This path is' : `${invalid.length} paths are`} not in the local Nix store: ${shown}${invalid.length > 5 ? ', …' : ''}`,
    );
  }
  return [...byPath.values()];
}
