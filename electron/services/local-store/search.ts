// A search over the names in /nix/store: one readdir, a case-insensitive substring test on the part
// after the hash, and a bounded, ranked result. A store with 50 000 entries is read and searched in
// under 0.1 s, 20-35 ms once listed (see search.test.ts); the listing is kept for a few seconds so typing a query
// letter by letter does not read the folder each time.
import { readdir } from 'node:fs/promises';
import { ApiError } from '../../../shared/api/errors';
import { DEFAULT_STORE_DIR, STORE_PATH_HASH_LENGTH } from '../../../shared/nix/store-path';
import { isNix32Char } from '../../../shared/nix/nix32';

export interface SearchStoreOptions {
  /** Most matches returned (default 200, at most 10 000). */
  limit?: number;
  /** Include derivations (`.drv`); default false: they are build recipes, rarely what one pushes. */
  derivations?: boolean;
  /** Include build locks (`.lock`), `.links` and other entries that are not store paths. */
  special?: boolean;
  storeDir?: string;
  signal?: AbortSignal;
}

export interface StoreMatch {
  path: string;
  /** The part after `<hash>-`. */
  name: string;
}

export interface SearchStoreResult {
  matches: StoreMatch[];
  /** Matches in all, of which `matches` are the first `limit`. */
  total: number;
  /** Entries looked at. */
  scanned: number;
}

const LISTING_TTL_MS = 5_000;
const listings = new Map<string, { at: number; names: Promise<string[]> }>();

function listStore(storeDir: string): Promise<string[]> {
  const cached = listings.get(storeDir);
  if (cached && Date.now() - cached.at < LISTING_TTL_MS) return cached.names;
  const names = readdir(storeDir).catch((e: NodeJS.ErrnoException) => {
    listings.delete(storeDir);
    if (e.code === 'ENOENT') throw new ApiError('not-found', `There is no Nix store at ${storeDir}.`);
    if (e.code === 'EACCES') throw new ApiError('access-denied', `The Nix store folder ${storeDir} cannot be read.`);
    throw e;
  });
  listings.set(storeDir, { at: Date.now(), names });
  return names;
}

/** Forget the cached listing (tests; after a build adds paths). */
export function forgetStoreListing(): void {
  listings.clear();
}

/** A store entry's name part, or undefined when the entry is not `<32 nix32 chars>-<name>`. */
function namePart(entry: string): string | undefined {
  if (entry.length <= STORE_PATH_HASH_LENGTH + 1 || entry[STORE_PATH_HASH_LENGTH] !== '-') return undefined;
  for (let i = 0; i < STORE_PATH_HASH_LENGTH; i++) if (!isNix32Char(entry[i]!)) return undefined;
  return entry.slice(STORE_PATH_HASH_LENGTH + 1);
}

/**
 * Store entries whose name contains `query` (case-insensitive). Ranked: names starting with the query
 * first, then shorter names, then alphabetically (so `hello` finds `hello-2.12` before
 * `hello-unfree-wrapper`). An empty query matches everything (bounded by `limit`).
 */
export async function searchStore(query: string, opts: SearchStoreOptions = {}): Promise<SearchStoreResult> {
  const storeDir = opts.storeDir ?? DEFAULT_STORE_DIR;
  const limit = Math.max(1, Math.min(opts.limit ?? 200, 10_000));
  const needle = query.trim().toLowerCase();
  const entries = await listStore(storeDir);
  if (opts.signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');

  const found: Array<{ entry: string; name: string; prefix: boolean }> = [];
  for (const entry of entries) {
    const name = namePart(entry);
    if (name === undefined) {
      if (opts.special && entry.toLowerCase().includes(needle)) found.push({ entry, name: entry, prefix: false });
      continue;
    }
    if (!opts.derivations && name.endsWith('.drv')) continue;
    if (!opts.special && name.endsWith('.lock')) continue;
    const lower = name.toLowerCase();
    const at = needle === '' ? 0 : lower.indexOf(needle);
    if (at < 0) continue;
    found.push({ entry, name, prefix: at === 0 });
  }
  found.sort((a, b) => Number(b.prefix) - Number(a.prefix) || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.entry < b.entry ? -1 : 1));
  return {
    matches: found.slice(0, limit).map((f) => ({ path: `${storeDir}/${f.entry}`, name: f.name })),
    total: found.length,
    scanned: entries.length,
  };
}
