import type { StatsPathKind } from '../../../shared/api/contract-stats';
import type { IndexDb, IndexStats } from './index-db';
import { largestClosureSteps, type ClosureGraph } from './closure-sizes';
import { HashIds, Int32Blocks, Int32List } from './hash-ids';
import { ensureNarTable, narsListedAt } from './nar-objects';
import type { Database } from './sqlite';
import { eachRowidRange, Pacer, rememberUntilChanged, withSnapshot, yieldToOthers, type StepOptions } from './stepped';

/**
 * A cache's numbers and plots, from its index: what the Stats tab shows.
 *
 * Each number and plot has a definition as one SQL query (`IndexDb.stats`, `narPresence`,
 * `statsPaths`, `sizeHistogram`, `addedOverTime`). At a million paths such a query takes seconds and,
 * better-sqlite3 being synchronous, holds the main process that long; so the main process uses
 * `cacheNumbers`, `statsPathsOf` and `plotsOf`, which run the same queries over ranges of rowids, one
 * short step at a time, on one snapshot (stepped.ts), and add up the ranges' answers: counts and sums
 * of a partition of the rows are the counts and sums of the whole. stats.test.ts checks that they
 * agree. Results are remembered until the index changes.
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
const statsPathWhere: Record<StatsPathKind, string> = { unsigned: 'p.error IS NULL AND p.sig_count = 0', 'nar-missing': missingNar, errors: 'p.error IS NOT NULL' };

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
  const where = statsPathWhere[kind];
  const sql = db.connection;
  const rows = sql.prepare(`SELECT hash, name, nar_size, url, error FROM paths p WHERE ${where} ORDER BY name IS NULL, name, hash LIMIT ?`).all(limit) as StatsPathRow[];
  const total = (sql.prepare(`SELECT count(*) AS n FROM paths p WHERE ${where}`).get() as { n: number }).n;
  return { total, paths: rows.map(toStatsPath) };
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
  return bucketsOf(db.connection.prepare(`${histogramSql} GROUP BY b ORDER BY b`).all() as BucketRow[]);
}

// log2 is one of SQLite's math functions, which better-sqlite3 builds in.
const histogramSql = 'SELECT CAST(floor(log2(max(nar_size, 1))) AS INTEGER) AS b, count(*) AS paths, sum(nar_size) AS narBytes FROM paths WHERE error IS NULL AND nar_size IS NOT NULL';
interface BucketRow {
  b: number;
  paths: number;
  narBytes: number;
}

/** The buckets from the query's rows (by bucket, ascending), empty ones filled in. */
function bucketsOf(rows: BucketRow[]): SizeBucket[] {
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
  return pointsOf(db.connection.prepare(`${addedSql} GROUP BY d ORDER BY d`).all() as DayRow[]);
}

const addedSql = `SELECT last_modified / ${day} AS d, count(*) AS paths, sum(coalesce(nar_size, 0)) AS narBytes FROM paths WHERE error IS NULL AND last_modified IS NOT NULL`;
interface DayRow {
  d: number;
  paths: number;
  narBytes: number;
}

/** The points from the query's rows (by day, ascending). */
function pointsOf(rows: DayRow[]): { unit: 'day' | 'week'; points: AddedPoint[] } {
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


// ---- In steps, for the main process -------------------------------------------------------------

/** SQLite's BINARY order of two texts (their UTF-8 bytes), which JavaScript's `<` (UTF-16) is not. */
const binaryOrder = (a: string, b: string) => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)));
/** The same, with NULL first, as SQLite sorts it. */
const binaryOrderOrNull = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : binaryOrder(a, b));

const inRange = (alias = '') => `${alias}rowid > @after AND ${alias}rowid <= @upTo`;

/** Adds a range's rows to a Map of sums by key. */
function addUp<K, T extends Record<string, number>>(into: Map<K, T>, key: K, row: T): void {
  const sums = into.get(key);
  if (!sums) into.set(key, { ...row });
  else for (const field of Object.keys(row) as Array<keyof T>) (sums[field] as number) += row[field] as number;
}

const metaOf = (sql: Database, key: string) => (sql.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;

/**
 * `IndexDb.stats()` and `narPresence()` together, computed in steps (see the top of this file) and
 * remembered until the index changes: what `index.stats` answers.
 */
export function cacheNumbers(db: IndexDb, options: StepOptions = {}): Promise<IndexStats & NarPresence> {
  ensureNarTable(db);
  return rememberUntilChanged(db, 'numbers', 0, () => withSnapshot(db, (sql) => computeNumbers(sql, options)));
}

async function computeNumbers(sql: Database, options: StepOptions): Promise<IndexStats & NarPresence> {
  const listedAt = metaOf(sql, 'nars_listed_at');
  // The usable rows by compression method (their sums are the totals) and the unusable ones, one query.
  const groups = sql.prepare(
    `SELECT error IS NULL AS usable, compression AS method, count(*) AS paths, coalesce(sum(nar_size), 0) AS narBytes, coalesce(sum(file_size), 0) AS fileBytes, coalesce(sum(sig_count = 0), 0) AS unsigned FROM paths WHERE ${inRange()} GROUP BY usable, method`,
  );
  // As in IndexDb.stats: a path signed twice by one key counts once for it. A path is in one range only,
  // so the ranges' distinct counts add up to the whole's.
  const signerCounts = sql.prepare(
    `SELECT key, count(DISTINCT hash) AS paths FROM (SELECT paths.hash AS hash, substr(sig.value, 1, instr(sig.value, ':') - 1) AS key FROM paths, json_each(paths.sigs) AS sig WHERE ${inRange('paths.')} AND paths.error IS NULL) GROUP BY key`,
  );
  const missing = sql.prepare(`SELECT count(*) AS n FROM paths p WHERE ${inRange('p.')} AND ${missingNar}`).pluck();
  const byMethod = new Map<string | null, { paths: number; narBytes: number; fileBytes: number; unsigned: number }>();
  const signers = new Map<string, { paths: number }>();
  let errors = 0;
  let narMissing = 0;
  await eachRowidRange(
    sql,
    (after, upTo) => {
      const range = { after, upTo };
      for (const g of groups.all(range) as Array<{ usable: number; method: string | null; paths: number; narBytes: number; fileBytes: number; unsigned: number }>) {
        if (g.usable) addUp(byMethod, g.method, { paths: g.paths, narBytes: g.narBytes, fileBytes: g.fileBytes, unsigned: g.unsigned });
        else errors += g.paths;
      }
      for (const s of signerCounts.all(range) as Array<{ key: string; paths: number }>) addUp(signers, s.key, { paths: s.paths });
      if (listedAt) narMissing += missing.get(range) as number;
    },
    options,
  );
  const totals = { paths: 0, narBytes: 0, fileBytes: 0, unsigned: 0 };
  for (const sums of byMethod.values()) {
    totals.paths += sums.paths;
    totals.narBytes += sums.narBytes;
    totals.fileBytes += sums.fileBytes;
    totals.unsigned += sums.unsigned;
  }
  const compression = [...byMethod]
    .map(([method, { paths, narBytes, fileBytes }]) => ({ method: method as string, paths, narBytes, fileBytes }))
    .sort((a, b) => b.paths - a.paths || binaryOrderOrNull(a.method, b.method));
  const signerList = [...signers].map(([key, { paths }]) => ({ key, paths })).sort((a, b) => b.paths - a.paths || binaryOrder(a.key, b.key));
  const stats: IndexStats = { ...totals, errors, compression, signers: signerList };
  if (!listedAt) return { ...stats, narFiles: 0, narFileBytes: 0, narMissing: 0 };
  // nar_objects in key order, a step of keys at a time (two statements, so that each step seeks its start).
  const narStep = (where: string) => sql.prepare(`SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes, max(key) AS last FROM (SELECT key, size FROM nar_objects ${where} ORDER BY key LIMIT @limit)`);
  const firstNars = narStep('');
  const nextNars = narStep('WHERE key > @after');
  const pacer = new Pacer(options.step ?? 20_000, options.step !== undefined);
  let narFiles = 0;
  let narFileBytes = 0;
  for (let after: string | null = null; ; ) {
    const limit = pacer.size;
    const started = performance.now();
    const step = (after === null ? firstNars.get({ limit }) : nextNars.get({ after, limit })) as { n: number; bytes: number; last: string | null };
    pacer.took(performance.now() - started);
    narFiles += step.n;
    narFileBytes += step.bytes;
    if (step.last === null || step.n < limit) break;
    after = step.last;
    await yieldToOthers();
  }
  return { ...stats, narsListedAt: listedAt, narFiles, narFileBytes, narMissing };
}

interface StatsPathRow {
  hash: string;
  name: string | null;
  nar_size: number | null;
  url: string | null;
  error: string | null;
}

/** `statsPaths` in steps: each range's matching rows are counted, and the first `limit` by name kept. */
export async function statsPathsOf(db: IndexDb, kind: StatsPathKind, limit: number, options: StepOptions = {}): Promise<{ paths: StatsPath[]; total: number }> {
  ensureNarTable(db);
  const { paths, total } = await rememberUntilChanged(db, `paths ${kind}`, limit, () => withSnapshot(db, (sql) => computeStatsPaths(sql, kind, limit, options)));
  return { paths: paths.slice(0, limit), total };
}

async function computeStatsPaths(sql: Database, kind: StatsPathKind, limit: number, options: StepOptions): Promise<{ paths: StatsPath[]; total: number }> {
  if (kind === 'nar-missing' && !metaOf(sql, 'nars_listed_at')) return { paths: [], total: 0 };
  const matching = sql.prepare(`SELECT hash, name, nar_size, url, error FROM paths p WHERE ${inRange('p.')} AND ${statsPathWhere[kind]}`);
  // statsPaths' ORDER BY name IS NULL, name, hash, in SQLite's order of texts.
  const order = (a: StatsPathRow, b: StatsPathRow) => (a.name === null) !== (b.name === null) ? (a.name === null ? 1 : -1) : binaryOrderOrNull(a.name, b.name) || binaryOrder(a.hash, b.hash);
  let first: StatsPathRow[] = [];
  let total = 0;
  await eachRowidRange(
    sql,
    (after, upTo) => {
      const rows = matching.all({ after, upTo }) as StatsPathRow[];
      total += rows.length;
      for (const row of rows) first.push(row);
      if (first.length > 2 * limit) first = first.sort(order).slice(0, limit);
    },
    options,
  );
  return { total, paths: first.sort(order).slice(0, limit).map(toStatsPath) };
}

const toStatsPath = (r: StatsPathRow): StatsPath => ({
  hash: r.hash,
  ...(r.name !== null ? { name: r.name } : {}),
  ...(r.nar_size !== null ? { narSize: r.nar_size } : {}),
  ...(r.url !== null ? { url: r.url } : {}),
  ...(r.error !== null ? { error: r.error } : {}),
});

/** `sizeHistogram` and `addedOverTime` in steps, remembered until the index changes. */
export function plotsOf(db: IndexDb, options: StepOptions = {}): Promise<{ sizeHistogram: SizeBucket[]; added: { unit: 'day' | 'week'; points: AddedPoint[] } }> {
  return rememberUntilChanged(db, 'plots', 0, () =>
    withSnapshot(db, async (sql) => {
      const buckets = sql.prepare(`${histogramSql} AND ${inRange()} GROUP BY b`);
      const days = sql.prepare(`${addedSql} AND ${inRange()} GROUP BY d`);
      const byBucket = new Map<number, { paths: number; narBytes: number }>();
      const byDay = new Map<number, { paths: number; narBytes: number }>();
      await eachRowidRange(
        sql,
        (after, upTo) => {
          for (const r of buckets.all({ after, upTo }) as BucketRow[]) addUp(byBucket, r.b, { paths: r.paths, narBytes: r.narBytes });
          for (const r of days.all({ after, upTo }) as DayRow[]) addUp(byDay, r.d, { paths: r.paths, narBytes: r.narBytes });
        },
        options,
      );
      const ascending = <T>(map: Map<number, T>) => [...map].sort((a, b) => a[0] - b[0]);
      return {
        sizeHistogram: bucketsOf(ascending(byBucket).map(([b, sums]) => ({ b, ...sums }))),
        added: pointsOf(ascending(byDay).map(([d, sums]) => ({ d, ...sums }))),
      };
    }),
  );
}

export interface LargestClosure {
  hash: string;
  name: string;
  paths: number;
  narBytes: number;
  fileBytes: number;
}

/** Rows read per query while loading the graph (paced by time unless fixed); between them the main process answers other calls. */
const loadChunk = 1024;

/**
 * The `k` largest closures by NAR bytes, references followed within the index (references the cache
 * lacks add nothing). Remembered per open index until it changes; calls that arrive while it is
 * computed share the computation.
 *
 * The graph is read in chunks of rows by rowid on one snapshot, and the search (closure-sizes.ts) runs
 * in steps, letting other calls in between. Memory: the rows' hashes are numbered in typed arrays
 * (hash-ids.ts) and each row's references become node numbers as the row is read, so no row's
 * strings outlive its chunk; names are read for the k results only.
 */
export async function largestClosuresOf(db: IndexDb, k = 20, options: { chunk?: number } = {}): Promise<{ closures: LargestClosure[]; elapsedMs: number }> {
  const { closures, elapsedMs } = await rememberUntilChanged(db, 'closures', k, () => withSnapshot(db, (sql) => computeLargestClosures(sql, k, options.chunk)));
  return { closures: closures.slice(0, k), elapsedMs };
}

async function computeLargestClosures(sql: Database, k: number, fixedChunk: number | undefined): Promise<{ closures: LargestClosure[]; elapsedMs: number }> {
  const started = performance.now();
  // The arrays are sized for the rows there are, counted first (in steps, through the primary key's
  // narrow index), so that they do not grow, a copy of tens of MB each time, while rows are read.
  const rows = await countRows(sql, fixedChunk);
  const ids = new HashIds(rows);
  // Node i is the i-th usable row by rowid; ids number hashes as rows and as references name them.
  const nodeOfId = new Int32List(rows);
  const rowids = new Float64Array(rows);
  const narSize = new Float64Array(rows);
  const fileSize = new Float64Array(rows);
  const ends = new Int32Array(rows);
  const edges = new Int32Blocks();
  const chunk = sql.prepare('SELECT rowid, hash, nar_size, file_size, refs FROM paths WHERE rowid > ? AND error IS NULL ORDER BY rowid LIMIT ?').raw();
  const pacer = new Pacer(fixedChunk ?? loadChunk, fixedChunk !== undefined);
  let n = 0;
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    // The snapshot has exactly the rows counted; the limit keeps a chunk within the arrays regardless.
    const limit = Math.min(pacer.size, rows - n);
    if (limit <= 0) break;
    const t = performance.now();
    const page = chunk.all(after, limit) as Array<[number, string, number, number | null, string]>;
    for (const [rowid, hash, nar, file, refs] of page) {
      const id = ids.idOf(hash, 0, hash.length, true);
      nodeOfId.ensure(id, -1);
      nodeOfId.values[id] = n;
      rowids[n] = rowid;
      narSize[n] = nar;
      fileSize[n] = file ?? 0;
      // A JSON array of base names: each starts after a quote with its 32-character hash (a third of
      // the time JSON.parse takes, which matters at a million rows).
      for (let at = refs.indexOf('"'); at >= 0; at = refs.indexOf('"', refs.indexOf('"', at + 1) + 1)) edges.push(ids.idOf(refs, at + 1, at + 33, true));
      ends[n++] = edges.length;
    }
    pacer.took(performance.now() - t);
    if (page.length < limit) break;
    after = page[page.length - 1]![0];
    await yieldToOthers();
  }
  // References by id to references by node, block by block (each dropped once done); those the index
  // lacks, and self-references, go.
  nodeOfId.ensure(ids.size - 1, -1);
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(edges.length);
  let at = 0;
  for (let node = 0, e = 0; node < n; ) {
    offsets[node] = at;
    const end = ends[node]!;
    for (; e < end; e++) {
      const block = edges.blocks[Math.floor(e / edges.blockSize)]!;
      const target = nodeOfId.values[block[e % edges.blockSize]!]!;
      if (target >= 0 && target !== node) targets[at++] = target;
    }
    node++;
    if (node % 65_536 === 0) {
      for (let b = 0; b < Math.floor(e / edges.blockSize); b++) (edges.blocks as Array<Int32Array | undefined>)[b] = undefined;
      await yieldToOthers();
    }
  }
  offsets[n] = at;
  const graph: ClosureGraph = { narSize: narSize.subarray(0, n), fileSize: fileSize.subarray(0, n), offsets, targets: targets.subarray(0, at) };
  await yieldToOthers();
  const steps = largestClosureSteps(graph, k);
  let step = steps.next();
  while (!step.done) {
    await yieldToOthers();
    step = steps.next();
  }
  const nameOf = sql.prepare('SELECT hash, name FROM paths WHERE rowid = ?');
  const closures = step.value.map((c) => {
    const row = nameOf.get(rowids[c.node]) as { hash: string; name: string };
    return { hash: row.hash, name: row.name, paths: c.paths, narBytes: c.narBytes, fileBytes: c.fileBytes };
  });
  return { closures, elapsedMs: performance.now() - started };
}

/** count(*) of paths, in steps along the primary key's index (hash order). */
async function countRows(sql: Database, fixedChunk: number | undefined): Promise<number> {
  const step = (where: string) => sql.prepare(`SELECT count(*) AS n, max(hash) AS last FROM (SELECT hash FROM paths ${where} ORDER BY hash LIMIT @limit)`);
  const first = step('');
  const next = step('WHERE hash > @after');
  const pacer = new Pacer(fixedChunk ?? 50_000, fixedChunk !== undefined);
  let rows = 0;
  for (let after: string | null = null; ; ) {
    const limit = pacer.size;
    const t = performance.now();
    const counted = (after === null ? first.get({ limit }) : next.get({ after, limit })) as { n: number; last: string | null };
    pacer.took(performance.now() - t);
    rows += counted.n;
    if (counted.last === null || counted.n < limit) return rows;
    after = counted.last;
    await yieldToOthers();
  }
}
