// The local Nix store as the push work sees it: what to offer (roots, search, a typed path) and the
// closure and metadata of what was chosen. One object holding the machine's settings (store folder,
// environment, home), so the API layer and the CLI can build it once and tests can point it elsewhere.
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { DEFAULT_STORE_DIR } from '../../../shared/nix/store-path';
import { pathInfo } from './path-info';
import { resolveUserPath, type ResolvedUserPath } from './resolve';
import { listRoots, type ListRootsResult } from './roots';
import { searchStore, type SearchStoreOptions, type SearchStoreResult } from './search';

export interface LocalStoreSettings {
  storeDir?: string;
  /** Nix's state folder, default /nix/var/nix. */
  stateDir?: string;
  home?: string;
  /** Environment of the Nix commands (default: this process's, passed through). */
  env?: NodeJS.ProcessEnv;
  /** Time limit of one Nix command (default 60 s). */
  timeoutMs?: number;
  currentSystem?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export class LocalStore {
  readonly storeDir: string;
  constructor(private readonly settings: LocalStoreSettings = {}) {
    this.storeDir = settings.storeDir ?? DEFAULT_STORE_DIR;
  }

  private run(opts: CallOptions) {
    return { signal: opts.signal, env: this.settings.env, timeoutMs: this.settings.timeoutMs, storeDir: this.storeDir };
  }

  /** Metadata of `paths`, or of their closure with `recursive`. */
  pathInfo(paths: readonly string[], opts: CallOptions & { recursive?: boolean } = {}): Promise<LocalPathInfo[]> {
    return pathInfo(paths, { ...this.run(opts), recursive: opts.recursive });
  }

  listRoots(opts: CallOptions & { gcRoots?: boolean } = {}): Promise<ListRootsResult> {
    return listRoots({ ...this.run(opts), stateDir: this.settings.stateDir, home: this.settings.home, currentSystem: this.settings.currentSystem, gcRoots: opts.gcRoots });
  }

  searchStore(query: string, opts: Omit<SearchStoreOptions, 'storeDir'> = {}): Promise<SearchStoreResult> {
    return searchStore(query, { ...opts, storeDir: this.storeDir });
  }

  resolveUserPath(input: string, opts: { cwd?: string } = {}): Promise<ResolvedUserPath> {
    return resolveUserPath(input, { cwd: opts.cwd, home: this.settings.home, storeDir: this.storeDir });
  }
}
