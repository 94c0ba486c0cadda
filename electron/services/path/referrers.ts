import type { IndexDb } from '../index/index-db';
import type { Database } from '../index/sqlite';
import { sqlite } from '../index/sqlite';

export interface Referrers {
  total: number;
  paths: Array<{ hash: string; basename: string }>;
}

/**
 * "Which paths of this cache refer to X" over a cache's index. The index keeps References as a JSON
 * array of base names per row, so a referrer is a row whose array text contains `"<hash>-`: one scan of
 * the table, a few tens of milliseconds for 100 000 rows, and no schema of its own to keep in step.
 * It reads through its own read-only connection to the index file (WAL lets it read while a refresh
 * writes), so the index's own connection and schema stay as they are.
 */
export class ReferrerQueries {
  private readonly connections = new Map<string, Database>();

  referrersOf(index: IndexDb, hash: string, limit: number): Referrers {
    const db = this.connection(index.file);
    const needle = `"${hash}-`;
    // A path that refers to itself is not its own referrer.
    const where = "error IS NULL AND hash <> @hash AND instr(refs, @needle) > 0";
    const total = (db.prepare(`SELECT count(*) AS n FROM paths WHERE ${where}`).get({ hash, needle }) as { n: number }).n;
    const rows = db.prepare(`SELECT hash, store_path FROM paths WHERE ${where} ORDER BY name, hash LIMIT @limit`).all({ hash, needle, limit }) as Array<{ hash: string; store_path: string }>;
    return { total, paths: rows.map((r) => ({ hash: r.hash, basename: r.store_path.slice(r.store_path.lastIndexOf('/') + 1) })) };
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
