import type { IndexDb } from '../index/index-db';
import type { Database } from '../index/sqlite';
import { sqlite } from '../index/sqlite';

export interface Referrers {
  total: number;
  paths: Array<{ hash: string; basename: string }>;
}

/** Rows scanned per step; between steps the event loop runs (other calls, IPC), so a big index does not freeze the main process. */
const defaultRowsPerStep = 10_000;

/**
 * "Which paths of this cache refer to X" over a cache's index. The index keeps References as a JSON
 * array of base names per row, so a referrer is a row whose array text contains `"<hash>-`: a scan of
 * the table (about 0.3 s for 100 000 rows), in steps of rowids so the main process stays responsive,
 * and no schema of its own to keep in step. It reads through its own read-only connection to the
 * index file (WAL lets it read while a refresh writes), so the index's own connection and schema stay
 * as they are.
 */
export class ReferrerQueries {
  private readonly connections = new Map<string, Database>();

  constructor(private readonly rowsPerStep = defaultRowsPerStep) {}

  async referrersOf(index: IndexDb, hash: string, limit: number, signal?: AbortSignal): Promise<Referrers> {
    const db = this.connection(index.file);
    const needle = `"${hash}-`;
    const maxRowid = (db.prepare('SELECT coalesce(max(rowid), 0) AS n FROM paths').get() as { n: number }).n;
    // A path that refers to itself is not its own referrer.
    const step = db.prepare('SELECT hash, name, store_path FROM paths WHERE rowid > @from AND rowid <= @to AND error IS NULL AND hash <> @hash AND instr(refs, @needle) > 0');
    const found: Array<{ hash: string; name: string; store_path: string }> = [];
    for (let from = 0; from < maxRowid; from += this.rowsPerStep) {
      signal?.throwIfAborted();
      found.push(...(step.all({ from, to: from + this.rowsPerStep, hash, needle }) as typeof found));
      if (from + this.rowsPerStep < maxRowid) await new Promise((resolve) => setImmediate(resolve));
    }
    found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.hash < b.hash ? -1 : 1));
    return { total: found.length, paths: found.slice(0, limit).map((r) => ({ hash: r.hash, basename: r.store_path.slice(r.store_path.lastIndexOf('/') + 1) })) };
  }

  private connection(file: string): Database {
    let db = this.connections.get(file);
    if (!db) {
      const Sqlite = sqlite();
      db = new Sqlite(file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      this.connections.set(file, db);
    }
    return db;
  }

  closeAll(): void {
    for (const db of this.connections.values()) db.close();
    this.connections.clear();
  }
}
