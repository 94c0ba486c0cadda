import { ApiError } from '../../../shared/api/errors';
import type { PublicKey, SecretKey } from '../../../shared/nix/keys';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { parseNarinfo, serialiseNarinfo } from '../../../shared/nix/narinfo';
import { fingerprint, signNarinfo, verifyNarinfo } from '../../../shared/nix/signature';
import { parseStoreBasename, parseStorePath } from '../../../shared/nix/store-path';
import { forEachPathPage } from '../browse/list-paths';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';

/** One path to sign: the narinfo's hash, and the full store path when the caller named one (to check against). */
export interface Target {
  hash: string;
  storePath?: string;
  /** How the path is named in a failure when its narinfo does not say: what was given, or the key. */
  label: string;
}

export interface SignFailure {
  /** The store path (from the narinfo, or as given), else the narinfo's key. */
  path: string;
  reason: string;
}

export interface SignSummary {
  /** Paths that got the key's signature now. */
  signed: number;
  /** Paths that carried a valid signature of the key already, left untouched. */
  alreadySigned: number;
  failed: SignFailure[];
  /** Paths looked at: signed + alreadySigned + failed. */
  total: number;
}

export type SignProgress =
  | { phase: 'listing'; listed: number }
  | { phase: 'signing'; done: number; total: number; signed: number; alreadySigned: number; failed: number; lastFailure?: SignFailure };

export interface SignPathsOptions {
  store: CacheStore;
  key: SecretKey;
  /** Store paths, base names (`<hash>-<name>`) or hashes; signed as given (not their closures). */
  paths?: readonly string[];
  /** Every narinfo of the cache, from one listing. */
  all?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SignProgress) => void;
  /**
   * When given, only narinfos that a valid signature of one of these keys vouches for are signed; the
   * others fail. Re-signing a cache signed by key A with key B then cannot vouch for a narinfo whose
   * fields were edited after A signed it, which B's signature alone cannot tell.
   */
  requireSignedBy?: readonly PublicKey[];
  /** Narinfos read and written at once (default 16). */
  concurrency?: number;
}

const hashOnly = /^[0-9a-df-np-sv-z]{32}$/;

/** What a user typed as a path: a hash, a base name or a store path. A bad one is refused before anything is read. */
export function targetOf(text: string): Target {
  try {
    if (hashOnly.test(text)) return { hash: text, label: text };
    if (text.includes('/')) {
      const path = parseStorePath(text.replace(/\/+$/, ''));
      return { hash: path.hash, storePath: path.path, label: path.path };
    }
    return { hash: parseStoreBasename(text).hash, label: text };
  } catch (e) {
    throw new ApiError('invalid-input', `"${text}" is not a store path, a store path's base name or its hash: ${(e as Error).message}`);
  }
}

type Outcome = { result: 'signed' | 'already-signed' } | { result: 'failed'; failure: SignFailure };

const failed = (path: string, reason: string): Outcome => ({ result: 'failed', failure: { path, reason } });

/** The narinfo at `key`, parsed, or why it cannot be used. Store errors other than a too-large object end the run. */
export async function readNarinfo(store: CacheStore, target: Target, signal: AbortSignal): Promise<{ info: Narinfo } | { reason: string }> {
  const key = `${target.hash}.narinfo`;
  let bytes;
  try {
    bytes = await store.get(key, { signal });
  } catch (e) {
    // A hostile or broken narinfo too large to read is that path's problem, not the run's.
    if (e instanceof ApiError && e.code === 'bad-format') return { reason: e.message };
    throw e;
  }
  if (!bytes) return { reason: `the cache has no ${key}` };
  let info: Narinfo;
  try {
    // No source in the parser's message: the reason names the narinfo once, ahead of it.
    info = parseNarinfo(Buffer.from(bytes).toString('utf8'), { source: '' });
  } catch (e) {
    return { reason: `${key} is not a valid narinfo: ${(e as Error).message}` };
  }
  if (parseStorePath(info.storePath).hash !== target.hash) return { reason: `${key} describes ${info.storePath}, another path` };
  if (target.storePath && info.storePath !== target.storePath) return { reason: `${key} describes ${info.storePath}, not ${target.storePath}` };
  return { info };
}

/** The fingerprint, or why there is none (a NarHash that is not sha256): then nothing can be signed. */
function fingerprintOf(info: Narinfo): string | { reason: string } {
  try {
    return fingerprint(info);
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

async function signOne(store: CacheStore, key: SecretKey, target: Target, signal: AbortSignal, requireSignedBy?: readonly PublicKey[]): Promise<Outcome> {
  const first = await readNarinfo(store, target, signal);
  if ('reason' in first) return failed(target.label, first.reason);
  const path = first.info.storePath;
  const before = fingerprintOf(first.info);
  if (typeof before !== 'string') return failed(path, before.reason);

  const verdict = verifyNarinfo(first.info, [key.publicKey]);
  if (verdict.status === 'valid') return { result: 'already-signed' };
  if (verdict.status === 'invalid') {
    // A signature of this key's name that does not verify: the fingerprint fields were edited after
    // the key signed (or the name belongs to another key now). Signing again would vouch for the edit.
    return failed(
      path,
      `its signature by ${key.name} does not verify: its StorePath, NarHash, NarSize or References were changed after that key signed it ` +
        '(or another key has that name). Left unchanged, not signed again.',
    );
  }
  if (requireSignedBy) {
    const trusted = verifyNarinfo(first.info, requireSignedBy);
    if (trusted.status !== 'valid') {
      const why =
        trusted.status === 'invalid'
          ? `its signature by ${trusted.keyName} does not verify (its fingerprint fields were changed after that key signed it)`
          : trusted.status === 'untrusted'
            ? `it is signed only by ${trusted.keyNames.join(', ')}`
            : 'it is unsigned';
      return failed(path, `${why}, and no trusted key vouches for it; left unsigned by ${key.name}.`);
    }
  }
  const sig = signNarinfo(first.info, key);

  // Re-read just before writing: a push or a hand edit since the first read must not get our
  // signature on fields we did not see, and signatures added meanwhile must not be lost.
  const second = await readNarinfo(store, target, signal);
  if ('reason' in second) return failed(path, `changed while signing: ${second.reason}`);
  const after = fingerprintOf(second.info);
  if (after !== before) {
    return failed(path, 'its StorePath, NarHash, NarSize or References changed between reading and writing it; left unchanged (run sign again to sign what it says now)');
  }
  if (verifyNarinfo(second.info, [key.publicKey]).status === 'valid') return { result: 'already-signed' };
  let text: string;
  try {
    text = serialiseNarinfo({ ...second.info, sigs: [...second.info.sigs, sig] });
  } catch (e) {
    return failed(path, `cannot be written back: ${(e as Error).message}`);
  }
  await store.put(`${target.hash}.narinfo`, text, contentTypes.narinfo, { signal });
  return { result: 'signed' };
}

/**
 * Adds `key`'s signature to narinfos already in a cache: the paths given, or every one (`all`). Each
 * narinfo is read, its fingerprint signed, and written back with its other fields, their order and
 * unknown fields kept; it is re-read first and left alone if its fingerprint fields changed meanwhile.
 * Paths that carry a valid signature of the key are skipped. A narinfo that is missing, does not
 * parse or cannot be signed is one failure in the summary; a store error (access denied, network)
 * ends the run.
 */
export async function signPaths(options: SignPathsOptions): Promise<SignSummary> {
  const { store, key, signal, onProgress } = options;
  if (options.all && options.paths?.length) throw new ApiError('invalid-input', 'Give paths to sign or all, not both.');
  if (!options.all && !options.paths?.length) throw new ApiError('invalid-input', 'Nothing to sign: give store paths, or all.');
  if (!store.writable) throw new ApiError('read-only', `${store.description} cannot be written; signing rewrites its narinfos.`);

  let targets: Target[];
  if (options.all) {
    targets = [];
    await forEachPathPage(store, (page, listed) => {
      for (const entry of page) targets.push({ hash: entry.hash, label: `${entry.hash}.narinfo` });
      onProgress?.({ phase: 'listing', listed });
    }, { signal });
  } else {
    // One narinfo once, however often it was named.
    const byHash = new Map<string, Target>();
    for (const text of options.paths!) {
      const target = targetOf(text);
      if (!byHash.has(target.hash)) byHash.set(target.hash, target);
    }
    targets = [...byHash.values()];
  }

  const summary: SignSummary = { signed: 0, alreadySigned: 0, failed: [], total: targets.length };
  let done = 0;
  onProgress?.({ phase: 'signing', done, total: targets.length, signed: 0, alreadySigned: 0, failed: 0 });
  await mapConcurrent(
    targets,
    options.concurrency ?? 16,
    async (target, _index, runSignal) => {
      const outcome = await signOne(store, key, target, runSignal, options.requireSignedBy);
      const failure = outcome.result === 'failed' ? outcome.failure : undefined;
      done += 1;
      if (outcome.result === 'signed') summary.signed += 1;
      else if (outcome.result === 'already-signed') summary.alreadySigned += 1;
      if (failure) summary.failed.push(failure);
      onProgress?.({
        phase: 'signing',
        done,
        total: targets.length,
        signed: summary.signed,
        alreadySigned: summary.alreadySigned,
        failed: summary.failed.length,
        ...(failure ? { lastFailure: failure } : {}),
      });
    },
    signal,
  );
  summary.failed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return summary;
}
