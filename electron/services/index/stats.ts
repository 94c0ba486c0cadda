import type { StatsPathKind } from '../../../shared/api/contract-stats';
import type { IndexDb } from './index-db';
import { closureGraph, largestClosures } from './closure-sizes';
import { ensureNarTable, narsListedAt } from './nar-objects';

/**
 * A cache's numbers and plots, from its index: what the Stats tab shows. Everything but the largest
 * closures is one SQL query over the index; those are computed in the main process (closure-sizes.ts)
 * and remembered until the index changes.
 */

export interface NarPresence {
  /** ISO time of the last complete listing of `nar/`; absent: never listed, nothing is called missing. */
  narsListedAt?: string;
  /** Files under `nar/` and their bytes, as last listed. */
  narFiles: number;
  narFileBytes: number;
  /** Usable narinfos whose URL names no file of that listing. */
  narMissing: number;
}

export function narPresence(db: IndexDb): NarPresence {
  ensureNarTable(db);
  const listedAt = narsListedAt(db);
  const files = db.connection.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM nar_objects').get() as { n: number; bytes: number };
  if (!listedAt) return { narFiles: 0, narFileBytes: 0, narMissing: 0 };
  const missing = db.connection.prepare(`SELECT count(*) AS n FROM paths p WHERE ${missingNar}`).get() as { n: number };
  return { narsListedAt: listedAt, narFiles: files.n, narFileBytes: files.bytes, narMissing: missing.n };
}

const missingNar = 'p.error IS NULL AND NOT EXISTS (SELECT 1 FROM nar_objects n WHERE n.key = p.url)';

export interface StatsPath {
  hash: string;
  name?: string;
  narSize?: number;
  url?: string;
  error?: string;
}

/** The first `limit` paths (by name) that are unsigned, whose NAR is missing, or whose narinfo is unusable, and how many there are. */
export function statsPaths(db: IndexDb, kind: StatsPathKind, limit: number): { paths: StatsPath[]; total: number } {
  ensureNarTable(db);
  if (kind === 'nar-missing' && !narsListedAt(db)) return { paths: [], total: 0 };
  const where = { unsigned: 'p.error IS NULL AND p.sig_count = 0', 'nar-missing': missingNar, errors: 'p.error IS NOT NULL' }[kind];
  const sql = db.connection;
  const rows = sql.prepare(`SELECT hash, name, nar_size, url, error FROM paths p WHERE ${where} ORDER BY name IS NULL, name, hash LIMIT ?`).all(limit) as Array<{
    hash: string;
    name: string | null;
    nar_size: number | null;
    url: string | null;
    error: string | null;
  }>;
  const total = (sql.prepare(`SELECT count(*) AS n FROM paths p WHERE ${where}`).get() as { n: number }).n;
  return {
    total,
    paths: rows.map((r) => ({
      hash: r.hash,
      ...(r.name !== null ? { name: r.name } : {}),
      ...(r.nar_size !== null ? { narSize: r.nar_size } : {}),
      ...(r.url !== null ? { url: r.url } : {}),
      ...(r.error !== null ? { error: r.error } : {}),
    })),
  };
}

export interface SizeBucket {
  /** Paths with from <= NAR size < to (powers of two). */
  from: number;
  to: number;
  paths: number;
  narBytes: number;
}

/** NAR sizes in buckets of powers of two, from the smallest to the largest bucket used, empty ones included. */
export function sizeHistogram(db: IndexDb): SizeBucket[] {
  // log2 is one of SQLite's math functions, which better-sqlite3 builds in.
  const rows = db.connection
    .prepare('SELECT CAST(floor(log2(max(nar_size, 1))) AS INTEGER) AS b, count(*) AS paths, sum(nar_size) AS narBytes FROM paths WHERE error IS NULL AND nar_size IS NOT NULL GROUP BY b ORDER BY b')
    .all() as Array<{ b: number; paths: number; narBytes: number }>;
  if (rows.length === 0) return [];
  const byBucket = new Map(rows.map((r) => [r.b, r]));
  const buckets: SizeBucket[] = [];
  for (let b = rows[0]!.b; b <= rows[rows.length - 1]!.b; b++) {
    const row = byBucket.get(b);
    buckets.push({ from: b === 0 ? 0 : 2 ** b, to: 2 ** (b + 1), paths: row?.paths ?? 0, narBytes: row?.narBytes ?? 0 });
  }
  return buckets;
}

export interface AddedPoint {
  /** Start of the day or week (Monday), ms since the epoch, UTC. */
  start: number;
  paths: number;
  narBytes: number;
}

const day = 86_400_000;
/** Up to this many days of history are drawn per day; longer, per week. */
const maxDaily = 120;

/** Paths by the day (or week, over a longer span) their narinfo was last modified, gaps filled with zeros. */
export function addedOverTime(db: IndexDb): { unit: 'day' | 'week'; points: AddedPoint[] } {
  const rows = db.connection
    .prepare(`SELECT last_modified / ${day} AS d, count(*) AS paths, sum(coalesce(nar_size, 0)) AS narBytes FROM paths WHERE error IS NULL AND last_modified IS NOT NULL GROUP BY d ORDER BY d`)
    .all() as Array<{ d: number; paths: number; narBytes: number }>;
  if (rows.length === 0) return { unit: 'day', points: [] };
  const first = rows[0]!.d;
  const last = rows[rows.length - 1]!.d;
  const unit = last - first + 1 > maxDaily ? 'week' : 'day';
  // 1 January 1970 was a Thursday: day d is in the week that starts on day d - (d + 3) % 7.
  const startOf = (d: number) => (unit === 'day' ? d : d - ((((d + 3) % 7) + 7) % 7));
  const step = unit === 'day' ? 1 : 7;
  const points = new Map<number, AddedPoint>();
  for (let d = startOf(first); d <= last; d += step) points.set(d, { start: d * day, paths: 0, narBytes: 0 });
  for (const row of rows) {
    const point = points.get(startOf(row.d))!;
    point.paths += row.paths;
    point.narBytes += row.narBytes;
  }
  return { unit, points: [...points.values()] };
}

export interface LargestClosure {
  hash: string;
  name: string;
  paths: number;
  narBytes: number;
  fileBytes: number;
}

const remembered = new WeakMap<IndexDb, { version: string; k: number; result: Promise<{ closures: LargestClosure[]; elapsedMs: number }> }>();

/** Rows read per query while loading the graph; between them the main process answers other calls. */
const loadChunk = 25_000;
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The `k` largest closures by NAR bytes, references followed within the index (references the cache
 * lacks add nothing). Remembered per open index until a row is added, replaced or removed; calls that
 * arrive while it is computed share the computation.
 *
 * better-sqlite3 is synchronous: a million rows read in one query would hold the main process (and
 * the table's pages) for seconds. They are read in chunks by rowid, letting other calls in between.
 */
export function largestClosuresOf(db: IndexDb, k = 20, options: { chunk?: number } = {}): Promise<{ closures: LargestClosure[]; elapsedMs: number }> {
  const sql = db.connection;
  // INSERT OR REPLACE gives a row a new rowid, so count and the largest rowid change with any write.
  const v = sql.prepare('SELECT count(*) AS n, coalesce(max(rowid), 0) AS r FROM paths').get() as { n: number; r: number };
  const version = `${v.n}:${v.r}`;
  const cached = remembered.get(db);
  if (cached && cached.version === version && cached.k >= k) return cached.result.then(({ closures, elapsedMs }) => ({ closures: closures.slice(0, k), elapsedMs }));
  const result = computeLargestClosures(db, k, options.chunk ?? loadChunk);
  remembered.set(db, { version, k, result });
  result.catch(() => remembered.delete(db));
  return result;
}

async function computeLargestClosures(db: IndexDb, k: number, chunkSize: number): Promise<{ closures: LargestClosure[]; elapsedMs: number }> {
  const started = performance.now();
  const chunk = db.connection.prepare('SELECT rowid, hash, name, nar_size, file_size, refs FROM paths WHERE rowid > ? AND error IS NULL ORDER BY rowid LIMIT ?').raw();
  const rows: Array<[number, string, string, number, number | null, string]> = [];
  for (let after = 0; ; ) {
    const page = chunk.all(after, chunkSize) as typeof rows;
    for (const row of page) rows.push(row);
    if (page.length < chunkSize) break;
    after = page[page.length - 1]![0];
    await yieldToOthers();
  }
  const number = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) number.set(rows[i]![1], i);
  const nodes = rows.map(([, , , narSize, fileSize, refs]) => {
    const numbers: number[] = [];
    // A JSON array of base names: each starts after a quote with its 32-character hash (a third of
    // the time JSON.parse takes, which matters at a million rows).
    for (let at = refs.indexOf('"'); at >= 0; at = refs.indexOf('"', refs.indexOf('"', at + 1) + 1)) {
      const n = number.get(refs.slice(at + 1, at + 33));
      if (n !== undefined) numbers.push(n);
    }
    return { narSize, fileSize: fileSize ?? 0, refs: numbers };
  });
  await yieldToOthers();
  const closures = largestClosures(closureGraph(nodes), k).map((c) => ({ hash: rows[c.node]![1], name: rows[c.node]![2], paths: c.paths, narBytes: c.narBytes, fileBytes: c.fileBytes }));
  return { closures, elapsedMs: performance.now() - started };
}
