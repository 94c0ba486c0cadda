import type { LocalPathInfo } from '../nix/closure';
import { FormatError } from '../nix/errors';
import { parseStorePath } from '../nix/store-path';

/**
 * What a push will do: the paths of a closure the cache lacks, in an order where every path comes
 * after the paths it refers to, and the ones it already has. "Has" means its narinfo is there: a
 * narinfo is only ever written after its NAR and its references' narinfos (see NarinfoOrder), so a
 * narinfo in the cache vouches for its whole closure.
 */
export interface PushPlan {
  /** References before referrers. */
  toPush: LocalPathInfo[];
  /** In the cache already (by its narinfo); skipped. */
  present: LocalPathInfo[];
  /** NAR bytes to push, before compression. */
  narBytes: number;
}

const hashOf = (path: string) => parseStorePath(path).hash;

/**
 * Orders a closure for pushing. `presentHashes` are the store path hashes whose narinfo the cache has
 * (from one listing). Every reference must be in `closure` or in the cache: a narinfo whose reference
 * is in neither would promise a closure the cache cannot deliver.
 */
export function planPush(closure: readonly LocalPathInfo[], presentHashes: ReadonlySet<string>): PushPlan {
  const byPath = new Map<string, LocalPathInfo>();
  for (const info of closure) byPath.set(info.path, info);
  const present: LocalPathInfo[] = [];
  const missing = new Map<string, LocalPathInfo>();
  for (const info of byPath.values()) {
    if (presentHashes.has(hashOf(info.path))) present.push(info);
    else missing.set(info.path, info);
  }

  // Kahn's algorithm over the references among the paths to push; a path's own reference to itself
  // (common: a program that knows its own store path) is no dependency.
  const waitingOn = new Map<string, number>();
  const referrers = new Map<string, string[]>();
  for (const info of missing.values()) {
    let count = 0;
    for (const ref of new Set(info.references)) {
      if (ref === info.path) continue;
      if (missing.has(ref)) {
        count += 1;
        referrers.set(ref, [...(referrers.get(ref) ?? []), info.path]);
      } else if (!byPath.has(ref) && !presentHashes.has(hashOf(ref))) {
        throw new FormatError(`${info.path} refers to ${ref}, which is neither in the closure to push nor in the cache`);
      }
    }
    waitingOn.set(info.path, count);
  }
  // Sorted for a stable, reproducible order among paths that could go in any order.
  const ready = [...missing.keys()].filter((path) => waitingOn.get(path) === 0).sort();
  const toPush: LocalPathInfo[] = [];
  while (ready.length > 0) {
    const path = ready.shift()!;
    toPush.push(missing.get(path)!);
    for (const referrer of referrers.get(path) ?? []) {
      const left = waitingOn.get(referrer)! - 1;
      waitingOn.set(referrer, left);
      if (left === 0) ready.push(referrer);
    }
  }
  if (toPush.length !== missing.size) {
    const stuck = [...missing.keys()].filter((path) => !toPush.some((info) => info.path === path));
    throw new FormatError(`the references of ${stuck.slice(0, 3).join(', ')}${stuck.length > 3 ? ' …' : ''} form a cycle, which a Nix closure cannot`);
  }
  return { toPush, present, narBytes: toPush.reduce((sum, info) => sum + info.narSize, 0) };
}

/**
 * The one rule that keeps a cache consistent whatever moment a push is killed: a narinfo is written
 * only after its NAR is uploaded and after the narinfos of all its references are in the cache. NARs
 * may go up in any order and in parallel; this tells which narinfos may be written now.
 */
export class NarinfoOrder {
  /** Per path: how many of its references' narinfos are not written yet. */
  private readonly waiting = new Map<string, number>();
  private readonly referrers = new Map<string, string[]>();
  private readonly narDone = new Set<string>();
  private readonly claimed = new Set<string>();
  private written = 0;

  constructor(plan: Pick<PushPlan, 'toPush'>) {
    const pushing = new Set(plan.toPush.map((info) => info.path));
    // References outside the push are in the cache already (planPush checked), so only these wait.
    for (const info of plan.toPush) {
      const refs = [...new Set(info.references)].filter((ref) => ref !== info.path && pushing.has(ref));
      this.waiting.set(info.path, refs.length);
      for (const ref of refs) this.referrers.set(ref, [...(this.referrers.get(ref) ?? []), info.path]);
    }
  }

  /** The NAR of `path` is uploaded; returns the narinfos that may be written now (and claims them). */
  narUploaded(path: string): string[] {
    this.narDone.add(path);
    return this.claimIfReady([path]);
  }

  /** The narinfo of `path` is written; returns the narinfos that may be written now (and claims them). */
  narinfoWritten(path: string): string[] {
    this.written += 1;
    const referrers = this.referrers.get(path) ?? [];
    for (const referrer of referrers) this.waiting.set(referrer, this.waiting.get(referrer)! - 1);
    return this.claimIfReady(referrers);
  }

  get done(): boolean {
    return this.written === this.waiting.size;
  }

  private claimIfReady(paths: readonly string[]): string[] {
    const ready: string[] = [];
    for (const path of paths) {
      if (this.claimed.has(path) || !this.narDone.has(path) || this.waiting.get(path) !== 0) continue;
      this.claimed.add(path);
      ready.push(path);
    }
    return ready;
  }
}
