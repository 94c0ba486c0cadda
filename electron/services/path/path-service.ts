import type { ClosureView, PathInfoView, ReferenceView } from '../../../shared/api/contract-path';
import { maxReferrersShown } from '../../../shared/api/contract-path';
import { ApiError } from '../../../shared/api/errors';
import type { ClosureNode } from '../../../shared/path/closure-graph';
import { readNarinfoLeniently } from '../../../shared/path/lenient-narinfo';
import { signatureReport } from '../../../shared/path/signature-report';
import type { IndexDb } from '../index/index-db';
import { NarinfoReader, cacheClosureOf, hashOfPathArgument } from '../index/path-info';
import type { CacheStore } from '../stores/cache-store';
import { mapConcurrent } from '../util/map-concurrent';
import type { ReferrerQueries } from './referrers';

/** Where a path's page reads from: the cache, and its index when it has one (HTTP caches do not). */
export interface PathSource {
  store: CacheStore;
  index?: IndexDb;
  /** Why there is no index, for the referrers' empty state. */
  noIndexReason?: string;
  referrers: ReferrerQueries;
}

const baseOf = (text: string) => text.slice(text.lastIndexOf('/') + 1).replace(/\/+$/, '');

/**
 * The page of one path: its narinfo read afresh from the cache and read leniently (a broken narinfo
 * is shown line by line with its problems, not replaced by an error), the signatures against the
 * trusted keys the page chose, each reference looked up in the cache now, and the referrers the index
 * knows. A path the cache lacks is an answer (`found: false`, with its referrers), not an error.
 */
export async function readPathInfo(source: PathSource, pathArg: string, trustedKeys: readonly string[], signal?: AbortSignal): Promise<PathInfoView> {
  const hash = hashOfPathArgument(pathArg.trim());
  const key = `${hash}.narinfo`;
  const asked = baseOf(pathArg.trim());
  let text: string | null;
  let readError: string | undefined;
  try {
    const bytes = await source.store.get(key, { signal });
    text = bytes && new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } catch (e) {
    // Too big to read is a property of this narinfo, shown on its page; anything else (access denied,
    // unreachable) is the cache's problem and fails the call with the store's message.
    if (!(e instanceof ApiError && e.code === 'bad-format')) throw e;
    text = null;
    readError = e.message;
  }

  const referrers = await readReferrers(source, hash, signal);
  if (text === null) {
    const report = signatureReport({ references: [], sigs: [] }, trustedKeys);
    return {
      hash,
      key,
      found: readError !== undefined,
      ...(asked.length > 33 ? { basename: asked } : {}),
      lines: [],
      problems: readError ? [{ message: readError }] : [],
      fields: { references: [], sigs: [] },
      signatures: [],
      trustedKeys: report.keys,
      accepted: false,
      acceptReason: readError ? 'The narinfo cannot be read.' : `The cache has no ${key}.`,
      contentAddressed: false,
      references: [],
      referrers,
    };
  }

  const read = readNarinfoLeniently(text, { expectedHash: hash });
  const report = signatureReport(read.fields, trustedKeys);
  const basename = read.fields.storePath ? baseOf(read.fields.storePath) : asked.length > 33 ? asked : undefined;
  return {
    hash,
    key,
    found: true,
    ...(basename ? { basename } : {}),
    raw: text,
    lines: read.lines,
    problems: read.problems,
    fields: read.fields,
    signatures: report.signatures,
    trustedKeys: report.keys,
    // Nix does not get as far as the signatures of a narinfo it cannot parse.
    accepted: report.accepted && read.problems.length === 0,
    acceptReason: read.problems.length > 0 ? `Nix cannot read this narinfo (${read.problems.length === 1 ? 'a problem' : `${read.problems.length} problems`} below), so it does not substitute the path.` : report.reason,
    contentAddressed: report.contentAddressed,
    references: await lookUpReferences(source.store, hash, read.fields.references, signal),
    referrers,
  };
}

/** Each reference's narinfo read from the cache now (the index may be older than what the user sees). */
async function lookUpReferences(store: CacheStore, self: string, references: readonly string[], signal?: AbortSignal): Promise<ReferenceView[]> {
  const reader = new NarinfoReader(store);
  return mapConcurrent(
    references,
    16,
    async (basename, _index, inner): Promise<ReferenceView> => {
      const hash = basename.slice(0, 32);
      if (hash === self) return { basename, hash, state: 'self' };
      const row = await reader.read(hash, inner, { fresh: true });
      if (!row) return { basename, hash, state: 'missing' };
      if (row.error) return { basename, hash, state: 'unusable', error: row.error };
      return { basename, hash, state: 'present', ...(row.narSize !== null ? { narSize: row.narSize } : {}) };
    },
    signal,
  );
}

async function readReferrers(source: PathSource, hash: string, signal?: AbortSignal): Promise<PathInfoView['referrers']> {
  if (!source.index) return { available: false, reason: source.noIndexReason ?? 'This cache has no index.', total: 0, paths: [] };
  const refreshedAt = source.index.getMeta('refreshed_at');
  const found = await source.referrers.referrersOf(source.index, hash, maxReferrersShown, signal);
  return { available: true, ...found, ...(refreshedAt ? { refreshedAt } : {}) };
}

/**
 * The closure as the cache records it, as a graph: the path read afresh, the rest from the index when
 * it has them (else from the cache, as for HTTP caches), breadth first. Missing and unusable narinfos
 * are nodes too, and the walk stops there.
 */
export async function readClosure(source: PathSource, pathArg: string, signal?: AbortSignal): Promise<ClosureView> {
  const reader = new NarinfoReader(source.store, source.index);
  const entries = await cacheClosureOf(reader, [pathArg.trim()], { signal });
  const indexOf = new Map(entries.map((e, i) => [e.hash, i]));
  const nodes: ClosureNode[] = entries.map((entry) => {
    const row = entry.row;
    if (!row) return { hash: entry.hash, basename: entry.label, state: 'missing', refs: [] };
    if (row.error) return { hash: entry.hash, basename: entry.label, state: 'unusable', error: row.error, refs: [] };
    const refs: number[] = [];
    let selfReference = false;
    for (const ref of row.references) {
      const at = indexOf.get(ref.slice(0, 32))!;
      if (ref.slice(0, 32) === entry.hash) selfReference = true;
      else refs.push(at);
    }
    return {
      hash: entry.hash,
      basename: baseOf(row.storePath!),
      state: 'present',
      ...(row.narSize !== null ? { narSize: row.narSize } : {}),
      ...(row.fileSize !== null ? { fileSize: row.fileSize } : {}),
      refs,
      ...(selfReference ? { selfReference } : {}),
    };
  });
  const refreshedAt = source.index?.getMeta('refreshed_at');
  return { nodes, source: refreshedAt ? 'index' : 'cache', ...(refreshedAt ? { refreshedAt } : {}), reads: reader.reads };
}
