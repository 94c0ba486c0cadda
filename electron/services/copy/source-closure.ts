import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { formatHash } from '../../../shared/nix/hash';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { parseStoreBasename, parseStorePath } from '../../../shared/nix/store-path';
import { nixStoreDir } from '../caches/cache-service';
import { targetOf } from '../sign/sign-paths';
import type { CacheStore } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';

export interface SourceClosureOptions {
  /** Store path hashes the destination has: neither read nor followed (their narinfo vouches for their closure there). */
  skipHashes: ReadonlySet<string>;
  /** Follow References (default), or take only the paths named. */
  closure?: boolean;
  /** Narinfos read at once (default 16). */
  concurrency?: number;
  signal?: AbortSignal;
  onRead?: (narinfosRead: number) => void;
}

/**
 * The narinfos of the paths to copy, read from the source cache: the named paths (store paths, base
 * names or hashes) and, with `closure`, everything they refer to, breadth first, `concurrency` reads at
 * a time. Paths the destination has are not read. A narinfo that is missing, malformed, or describes
 * another path than its key says fails the copy, naming the path that needed it: copying a closure
 * with a hole would write narinfos that promise what the destination cannot deliver.
 */
export async function readSourceClosure(source: CacheStore, inputs: readonly string[], options: SourceClosureOptions): Promise<Map<string, Narinfo>> {
  const concurrency = options.concurrency ?? 16;
  const found = new Map<string, Narinfo>();
  /** Why each hash is read: what the user named, or the path that refers to it. */
  const neededBy = new Map<string, string>();
  const expectedPath = new Map<string, string>();
  let frontier: string[] = [];
  for (const input of inputs) {
    const target = targetOf(input);
    if (target.storePath) expectedPath.set(target.hash, target.storePath);
    if (options.skipHashes.has(target.hash) || neededBy.has(target.hash)) continue;
    neededBy.set(target.hash, `named as ${target.label}`);
    frontier.push(target.hash);
  }
  while (frontier.length > 0) {
    const narinfos = await mapConcurrent(frontier, concurrency, (hash, _i, signal) => readOne(source, hash, neededBy.get(hash)!, expectedPath.get(hash), signal), options.signal);
    const next: string[] = [];
    for (const narinfo of narinfos) {
      const hash = parseStorePath(narinfo.storePath).hash;
      found.set(hash, narinfo);
      if (options.closure === false) continue;
      for (const reference of narinfo.references) {
        const ref = parseStoreBasename(reference).hash;
        if (options.skipHashes.has(ref) || neededBy.has(ref)) continue;
        neededBy.set(ref, `a reference of ${narinfo.storePath}`);
        next.push(ref);
      }
    }
    options.onRead?.(found.size);
    frontier = next;
  }
  return found;
}

async function readOne(source: CacheStore, hash: string, neededBy: string, expected: string | undefined, signal: AbortSignal): Promise<Narinfo> {
  const key = `${hash}.narinfo`;
  const bytes = await source.get(key, { signal });
  if (!bytes) throw new ApiError('not-found', `${source.description} has no ${key} (${neededBy}), so it cannot give that path.`);
  let narinfo: Narinfo;
  try {
    narinfo = parseNarinfo(Buffer.from(bytes).toString('utf8'), { source: `${key} of ${source.description}`, storeDir: nixStoreDir });
  } catch (e) {
    throw new ApiError('bad-format', (e as Error).message);
  }
  if (parseStorePath(narinfo.storePath).hash !== hash) {
    throw new ApiError('bad-format', `${key} of ${source.description} describes ${narinfo.storePath}, another path; nothing was copied from it.`);
  }
  if (expected && narinfo.storePath !== expected) {
    throw new ApiError('invalid-input', `${key} of ${source.description} describes ${narinfo.storePath}, not ${expected} as given.`);
  }
  return narinfo;
}

/** A source narinfo in the shape the push planner orders (full reference paths). */
export function asPathInfo(narinfo: Narinfo): LocalPathInfo {
  const full = (basename: string) => `${nixStoreDir}/${basename}`;
  return {
    path: narinfo.storePath,
    narHash: formatHash(narinfo.narHash, 'nix32', { prefix: true }),
    narSize: narinfo.narSize,
    references: narinfo.references.map(full),
    deriver: narinfo.deriver ? full(narinfo.deriver) : null,
    signatures: [...narinfo.sigs],
    ca: narinfo.ca ?? null,
    registrationTime: null,
    ultimate: null,
  };
}
