import type { Database } from './sqlite';
import type { IndexDb } from './index-db';

/**
 * Long reads of a cache's index, done in steps. better-sqlite3 is synchronous: one query over a
 * million rows holds the main process (every window, every job) for seconds. The Stats tab's numbers
 * and plots are instead computed over ranges of rows, each a query of some tens of milliseconds, with
 * other work let in between; totals of the ranges are the totals of the table, so the numbers are the
 * same as one query's.
 */

export const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface StepOptions {
  /** A fixed step (rowids per range, or rows per query) instead of one paced by time; for tests. */
  step?: number;
}

/** What one step aims to take; the longest observed stays well under 100 ms. */
const targetMs = 30;

/**
 * A step size paced by how long the last step took: doubled while steps are quick, cut when one is
 * slow (a busy machine, wide rows, a range of many rows), so each stays near `targetMs`.
 */
export class Pacer {
  size: number;
  constructor(
    initial: number,
    private readonly fixed = false,
    private readonly max = 1 << 24,
  ) {
    this.size = initial;
  }
  took(ms: number): void {
    if (this.fixed) return;
    if (ms < targetMs / 2) this.size = Math.min(this.max, this.size * 2);
    else if (ms > targetMs) this.size = Math.max(64, Math.floor((this.size * targetMs) / ms));
  }
}

/**
 * Calls `range(after, upTo)` for consecutive rowid ranges `after < rowid <= upTo` that together cover
 * every row of `paths`, pacing their width, and lets other work run between them.
 */
export async function eachRowidRange(sql: Database, range: (after: number, upTo: number) => void, options: StepOptions = {}): Promise<void> {
  const bounds = sql.prepare('SELECT min(rowid) AS lo, max(rowid) AS hi FROM paths').get() as { lo: number | null; hi: number | null };
  if (bounds.lo === null || bounds.hi === null) return;
  const pacer = new Pacer(options.step ?? 2048, options.step !== undefined);
  for (let after = bounds.lo - 1; after < bounds.hi; ) {
    const upTo = Math.min(bounds.hi, after + pacer.size);
    const started = performance.now();
    range(after, upTo);
    pacer.took(performance.now() - started);
    after = upTo;
    if (after < bounds.hi) await yieldToOthers();
  }
}

/**
 * Runs stepped reads on one snapshot of the index, so that a refresh writing between two steps (on
 * the main connection; WAL lets it) cannot make a row count twice or not at all: a second, read-only
 * connection holds a read transaction for the duration. An in-memory index (tests) has no second
 * connection; there the work is done again if the index changed meanwhile.
 */
export async function withSnapshot<T>(db: IndexDb, work: (sql: Database) => Promise<T>): Promise<T> {
  const reader = db.openReader();
  if (!reader) {
    for (;;) {
      const before = db.changeVersion();
      const result = await work(db.connection);
      if (db.changeVersion() === before) return result;
    }
  }
  try {
    reader.exec('BEGIN');
    // The snapshot starts with the transaction's first read.
    reader.prepare('SELECT count(*) FROM meta').get();
    return await work(reader);
  } finally {
    if (reader.inTransaction) reader.exec('COMMIT');
    reader.close();
  }
}

const remembered = new WeakMap<IndexDb, Map<string, { version: string; size: number; result: Promise<unknown> }>>();

/**
 * `compute()`'s result for this index, remembered until the index changes (any write by this
 * connection or another one); calls arriving while it is computed share the computation. `size`
 * (the number of results asked for) lets a remembered larger answer serve a smaller question.
 */
export function rememberUntilChanged<T>(db: IndexDb, name: string, size: number, compute: () => Promise<T>): Promise<T> {
  const version = db.changeVersion();
  let mine = remembered.get(db);
  if (!mine) remembered.set(db, (mine = new Map()));
  const cached = mine.get(name);
  if (cached && cached.version === version && cached.size >= size) return cached.result as Promise<T>;
  const result = compute();
  const entry = { version, size, result };
  mine.set(name, entry);
  result.catch(() => {
    if (mine.get(name) === entry) mine.delete(name);
  });
  return result;
}
