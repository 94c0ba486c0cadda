import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from './sqlite';
import { sqlite } from './sqlite';

/**
 * The on-disk index of one cache: a SQLite file (WAL mode, so the CLI can read it while the app
 * refreshes it) with one row per `<hash>.narinfo` key.
 *
 * Schema (version 2; version 1 had no indexes but the primary key):
 *
 *   meta(key TEXT PRIMARY KEY, value TEXT)   schema_version, identity (the cache it indexes),
 *                                            refreshed_at (ISO time of the last complete refresh)
 *   paths(
 *     hash TEXT PRIMARY KEY          the 32 nix32 characters of `<hash>.narinfo`
 *     etag, last_modified, key_size  the key as the listing showed it (last_modified in ms since the
 *                                    epoch); what an incremental refresh compares
 *     store_path, name, nar_size, file_size, compression, url, nar_hash, file_hash, deriver, ca
 *                                    the narinfo's fields (NULL when it did not parse)
 *     refs, sigs                     JSON arrays: reference base names, `key:base64` signatures
 *     ref_count, sig_count           their lengths, for sorting without parsing JSON
 *     raw                            the narinfo's text (narinfos are small)
 *     error                          why it could not be used (does not parse, too big, describes
 *                                    another path); NULL when it is fine. Shown, never hidden.
 *   )
 *   paths_by_<column>(column, hash)  one index per sort of the table (see `migrations`)
 *
 * Any other version (an older or a newer Narwhal), or a file that is not a database, is moved aside
 * and a new index is built: an index is a cache of the cache, never the only copy of anything.
 */
export const schemaVersion = 2;

/** What the listing says about one narinfo key. */
export interface KeyState {
  hash: string;
  etag: string | null;
  /** ms since the epoch. */
  lastModified: number | null;
  size: number;
}

/** One row: a narinfo key and what its narinfo says. */
export interface IndexedPath extends KeyState {
  storePath: string | null;
  name: string | null;
  narSize: number | null;
  fileSize: number | null;
  compression: string | null;
  url: string | null;
  narHash: string | null;
  fileHash: string | null;
  /** Base names (`<hash>-<name>`). */
  references: string[];
  deriver: string | null;
  /** `keyname:base64`. */
  sigs: string[];
  ca: string | null;
  raw: string | null;
  error: string | null;
}

export const sortColumns = ['name', 'hash', 'narSize', 'fileSize', 'compression', 'references', 'signatures', 'lastModified'] as const;
export type SortColumn = (typeof sortColumns)[number];

export interface PageQuery {
  offset: number;
  limit: number;
  /** Case-insensitive substring of the name or the hash. */
  filter?: string;
  sort?: { column: SortColumn; descending?: boolean };
}

/**
 * The SQL column of each sort, and whether it can be NULL (a narinfo that does not parse has no name,
 * sizes or compression). Each has an index on (column, hash) (schema version 2), so a page of rows in
 * any order is an index walk, never a sort of the whole table.
 */
const sortSql: Record<SortColumn, { column: string; nullable: boolean }> = {
  name: { column: 'name', nullable: true },
  hash: { column: 'hash', nullable: false },
  narSize: { column: 'nar_size', nullable: true },
  fileSize: { column: 'file_size', nullable: true },
  compression: { column: 'compression', nullable: true },
  references: { column: 'ref_count', nullable: false },
  signatures: { column: 'sig_count', nullable: false },
  lastModified: { column: 'last_modified', nullable: true },
};

/**
 * Schema changes after version 1, applied in order to an older file instead of rebuilding it (an index
 * of a million paths takes a while to read again). Version 2: the indexes of the table's sorts, and
 * (name, hash) for the filter, which then scans that narrow index instead of the wide rows.
 */
const migrations: Record<number, string> = {
  2: `
    CREATE INDEX paths_by_name ON paths (name, hash);
    CREATE INDEX paths_by_nar_size ON paths (nar_size, hash);
    CREATE INDEX paths_by_file_size ON paths (file_size, hash);
    CREATE INDEX paths_by_compression ON paths (compression, hash);
    CREATE INDEX paths_by_ref_count ON paths (ref_count, hash);
    CREATE INDEX paths_by_sig_count ON paths (sig_count, hash);
    CREATE INDEX paths_by_last_modified ON paths (last_modified, hash);
  `,
};

/** Up to this many matches, a filtered page sorted by another column than the name sorts the matches (see `page`). */
const matchesFirstLimit = 3000;

/** Escapes LIKE's wildcards so the filter is a plain substring. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const storeHashText = /^[0-9a-df-np-sv-z]{32}$/;

/**
 * The WHERE clause of a filter: a case-insensitive substring of the name or the hash (LIKE is
 * case-insensitive for ASCII, which names and hashes are), or, for a pasted store path
 * (`/nix/store/<hash>-<name>`), that one hash through the primary key.
 */
function filterClause(filter: string | undefined): { sql: string; params: Record<string, string> } {
  const text = filter?.trim() ?? '';
  if (!text) return { sql: '1', params: {} };
  const rest = text.startsWith('/nix/store/') ? text.slice('/nix/store/'.length) : undefined;
  const hash = rest?.slice(0, 32).toLowerCase();
  if (rest !== undefined && hash && storeHashText.test(hash) && (rest.length === 32 || rest[32] === '-' || rest[32] === '/')) {
    return { sql: 'hash = @hash', params: { hash } };
  }
  return { sql: "(name LIKE @pattern ESCAPE '\\' OR hash LIKE @pattern ESCAPE '\\')", params: { pattern: likePattern(text.toLowerCase()) } };
}

interface Row {
  hash: string;
  etag: string | null;
  last_modified: number | null;
  key_size: number;
  store_path: string | null;
  name: string | null;
  nar_size: number | null;
  file_size: number | null;
  compression: string | null;
  url: string | null;
  nar_hash: string | null;
  file_hash: string | null;
  refs: string;
  deriver: string | null;
  sigs: string;
  ca: string | null;
  raw: string | null;
  error: string | null;
}

const columns = 'hash, etag, last_modified, key_size, store_path, name, nar_size, file_size, compression, url, nar_hash, file_hash, refs, ref_count, deriver, sigs, sig_count, ca, raw, error';

/** What a page of the table reads: all but the narinfo's text. */
const pageColumns = columns.replace('raw', 'NULL AS raw');

function fromRow(row: Row): IndexedPath {
  return {
    hash: row.hash,
    etag: row.etag,
    lastModified: row.last_modified,
    size: row.key_size,
    storePath: row.store_path,
    name: row.name,
    narSize: row.nar_size,
    fileSize: row.file_size,
    compression: row.compression,
    url: row.url,
    narHash: row.nar_hash,
    fileHash: row.file_hash,
    references: JSON.parse(row.refs) as string[],
    deriver: row.deriver,
    sigs: JSON.parse(row.sigs) as string[],
    ca: row.ca,
    raw: row.raw,
    error: row.error,
  };
}

export interface IndexStats {
  /** Paths whose narinfo is usable. */
  paths: number;
  narBytes: number;
  fileBytes: number;
  unsigned: number;
  /** narinfos that cannot be used. */
  errors: number;
  compression: Array<{ method: string; paths: number; narBytes: number; fileBytes: number }>;
  /** Paths with a signature of each key name (the signatures are not checked here). */
  signers: Array<{ key: string; paths: number }>;
}

export interface OpenedIndex {
  db: IndexDb;
  /** Where an unusable old file went, when there was one. */
  movedAside?: string;
}

export class IndexDb {
  private readonly counts = new Map<string, number>();
  private countsVersion = '';

  private constructor(
    private readonly db: Database,
    readonly file: string,
  ) {}

  /** The SQLite connection, for the modules that keep tables of their own here (nar-objects.ts) or query it (stats.ts). */
  get connection(): Database {
    return this.db;
  }

  /**
   * Opens (or makes) the index at `file`. A file of another schema version, or one that is not a
   * SQLite database, is renamed to `<file>.unusable-<time>` (with its -wal and -shm) and replaced.
   */
  static open(file: string): OpenedIndex {
    const Sqlite = sqlite();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    let problem: string | undefined;
    let db = new Sqlite(file);
    try {
      problem = IndexDb.prepare(db);
      if (!problem) return { db: new IndexDb(db, file) };
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!/^SQLITE_(NOTADB|CORRUPT)/.test(code)) {
        db.close();
        throw e;
      }
      problem = `not a database (${code})`;
    }
    db.close();
    const aside = `${file}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    db = new Sqlite(file);
    const again = IndexDb.prepare(db);
    if (again) {
      db.close();
      throw new Error(`A new cache index at ${file} is unusable: ${again}`);
    }
    return { db: new IndexDb(db, file), movedAside: `${aside} (${problem})` };
  }

  /** Sets the file up; returns why it cannot be used, or undefined when it can. */
  private static prepare(db: Database): string | undefined {
    // Another process (the CLI, a second window) may be writing: wait for it rather than fail.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (hasMeta) {
      const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value;
      if (version === String(schemaVersion)) return undefined;
      const older = Number(version);
      if (Number.isInteger(older) && older >= 1 && older < schemaVersion) {
        IndexDb.migrate(db, older);
        return undefined;
      }
      return `schema version ${version ?? 'missing'}, this Narwhal uses ${schemaVersion}`;
    }
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) return 'tables of something else';
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE paths (
        hash TEXT PRIMARY KEY,
        etag TEXT,
        last_modified INTEGER,
        key_size INTEGER NOT NULL,
        store_path TEXT,
        name TEXT,
        nar_size INTEGER,
        file_size INTEGER,
        compression TEXT,
        url TEXT,
        nar_hash TEXT,
        file_hash TEXT,
        refs TEXT NOT NULL,
        ref_count INTEGER NOT NULL,
        deriver TEXT,
        sigs TEXT NOT NULL,
        sig_count INTEGER NOT NULL,
        ca TEXT,
        raw TEXT,
        error TEXT
      );
    `);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', '1');
    IndexDb.migrate(db, 1);
    return undefined;
  }

  /** Brings a file of schema version `from` to the current one, in one transaction. */
  private static migrate(db: Database, from: number): void {
    db.transaction(() => {
      for (let version = from + 1; version <= schemaVersion; version++) db.exec(migrations[version]!);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(schemaVersion));
    })();
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** The key state of every row, for comparing with a new listing. */
  keyStates(): Map<string, KeyState> {
    const states = new Map<string, KeyState>();
    for (const row of this.db.prepare('SELECT hash, etag, last_modified, key_size FROM paths').iterate() as IterableIterator<Pick<Row, 'hash' | 'etag' | 'last_modified' | 'key_size'>>) {
      states.set(row.hash, { hash: row.hash, etag: row.etag, lastModified: row.last_modified, size: row.key_size });
    }
    return states;
  }

  /** Inserts or replaces rows, all in one transaction. */
  upsert(rows: readonly IndexedPath[]): void {
    const insert = this.db.prepare(`INSERT OR REPLACE INTO paths (${columns}) VALUES (${columns.split(', ').map(() => '?').join(', ')})`);
    this.db.transaction(() => {
      for (const r of rows) {
        insert.run(r.hash, r.etag, r.lastModified, r.size, r.storePath, r.name, r.narSize, r.fileSize, r.compression, r.url, r.narHash, r.fileHash, JSON.stringify(r.references), r.references.length, r.deriver, JSON.stringify(r.sigs), r.sigs.length, r.ca, r.raw, r.error);
      }
    })();
  }

  /** Deletes the rows of these hashes in one transaction; returns how many there were. */
  remove(hashes: Iterable<string>): number {
    const del = this.db.prepare('DELETE FROM paths WHERE hash = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const hash of hashes) removed += del.run(hash).changes;
    })();
    return removed;
  }

  get(hash: string): IndexedPath | undefined {
    const row = this.db.prepare(`SELECT ${columns} FROM paths WHERE hash = ?`).get(hash) as Row | undefined;
    return row && fromRow(row);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM paths').get() as { n: number }).n;
  }

  /**
   * Changes with every write to the index: by this connection (`total_changes()`, rows of any table,
   * nar_objects too) or by another one, such as the CLI (`data_version`). What results computed from
   * the index are remembered against (stepped.ts).
   */
  changeVersion(): string {
    const changes = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    return `${changes} ${this.db.pragma('data_version', { simple: true }) as number}`;
  }

  /**
   * A second, read-only connection to the same file, for stepped reads that keep one snapshot while
   * this connection writes (stepped.ts); undefined for an in-memory index, which has no file to share.
   * The caller closes it.
   */
  openReader(): Database | undefined {
    if (this.db.memory) return undefined;
    const reader = new (sqlite())(this.file, { readonly: true, fileMustExist: true });
    reader.pragma('busy_timeout = 5000');
    return reader;
  }

  /**
   * Totals over the whole index, for a cache's numbers (rows with an error count only in `errors`), in
   * single queries: the definition. The main process uses `cacheNumbers` (stats.ts), which computes
   * the same numbers in steps; at a million paths these queries take seconds.
   */
  stats(): IndexStats {
    const totals = this.db.prepare('SELECT count(*) AS paths, coalesce(sum(nar_size), 0) AS narBytes, coalesce(sum(file_size), 0) AS fileBytes, coalesce(sum(sig_count = 0), 0) AS unsigned FROM paths WHERE error IS NULL').get() as { paths: number; narBytes: number; fileBytes: number; unsigned: number };
    const compression = this.db.prepare('SELECT compression AS method, count(*) AS paths, coalesce(sum(nar_size), 0) AS narBytes, coalesce(sum(file_size), 0) AS fileBytes FROM paths WHERE error IS NULL GROUP BY compression ORDER BY paths DESC, method').all() as IndexStats['compression'];
    // A path signed twice by one key counts once for it.
    const signers = this.db
      .prepare("SELECT key, count(DISTINCT hash) AS paths FROM (SELECT paths.hash AS hash, substr(sig.value, 1, instr(sig.value, ':') - 1) AS key FROM paths, json_each(paths.sigs) AS sig WHERE paths.error IS NULL) GROUP BY key ORDER BY paths DESC, key")
      .all() as IndexStats['signers'];
    return { ...totals, errors: this.errorCount(), compression, signers };
  }

  /** Rows whose narinfo could not be used. */
  errorCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM paths WHERE error IS NOT NULL').get() as { n: number }).n;
  }

  /** Every row, by store path (rows without one, errors, last by hash). */
  *all(): IterableIterator<IndexedPath> {
    for (const row of this.db.prepare(`SELECT ${columns} FROM paths ORDER BY store_path IS NULL, store_path, hash`).iterate() as IterableIterator<Row>) yield fromRow(row);
  }

  /**
   * Rows `offset ..< offset + limit` of those matching the filter, in the order asked, and how many
   * match. Rows without a value in the sorted column (narinfos that do not parse) come after the others
   * whichever the direction, so a broken narinfo is never mistaken for the largest or the first: the
   * rows with a value and those without are two index walks, one after the other.
   */
  page(query: PageQuery): { rows: IndexedPath[]; total: number } {
    const filter = filterClause(query.filter);
    const { column, nullable } = sortSql[query.sort?.column ?? 'name'];
    const direction = query.sort?.descending ? 'DESC' : 'ASC';
    const count = (where: string) => this.cachedCount(where, filter.params);
    const total = count(filter.sql);
    const withoutValue = nullable ? count(`${column} IS NULL AND ${filter.sql}`) : 0;
    const withValue = total - withoutValue;
    // A filter that few rows match, sorted by a column other than the name: walking that column's index
    // would look up row after row to test its name. Then find the matches in the narrow name index
    // first and sort only them (100 of 100 000 rows: ~20 ms instead of ~120 ms).
    const matchesFirst = filter.params.pattern !== undefined && column !== 'name' && column !== 'hash' && total <= matchesFirstLimit;
    const matching = matchesFirst ? `rowid IN (SELECT rowid FROM paths INDEXED BY paths_by_name WHERE ${filter.sql})` : filter.sql;
    const rows: Row[] = [];
    const take = (where: string, order: string, offset: number, limit: number) => {
      if (limit <= 0) return;
      // The hash breaks ties so pages never overlap; `raw` stays out of the table's rows (the path page reads it).
      const sql = `SELECT ${pageColumns} FROM paths WHERE ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
      rows.push(...(this.db.prepare(sql).all({ ...filter.params, limit, offset }) as Row[]));
    };
    const end = query.offset + query.limit;
    if (query.offset < withValue) take(`${nullable ? `${column} IS NOT NULL AND ` : ''}${matching}`, column === 'hash' ? `hash ${direction}` : `${column} ${direction}, hash ${direction}`, query.offset, Math.min(end, withValue) - query.offset);
    if (end > withValue && withoutValue > 0) take(`${column} IS NULL AND ${matching}`, `hash ${direction}`, Math.max(0, query.offset - withValue), end - Math.max(query.offset, withValue));
    return { rows: rows.map(fromRow), total };
  }

  /**
   * Counts rows matching `where`, remembered until the index changes: scrolling reads page after page
   * of one filter and sort, and counting a million rows on each would cost more than the page.
   * "Changes" as changeVersion() tells them: a write by this connection or another one (the CLI).
   */
  private cachedCount(where: string, params: Record<string, string>): number {
    const version = this.changeVersion();
    if (version !== this.countsVersion) {
      this.counts.clear();
      this.countsVersion = version;
    }
    const key = `${where} ${JSON.stringify(params)}`;
    let n = this.counts.get(key);
    if (n === undefined) {
      n = (this.db.prepare(`SELECT count(*) AS n FROM paths WHERE ${where}`).get(params) as { n: number }).n;
      // A few filters' worth: the ones typed last.
      if (this.counts.size >= 64) this.counts.delete(this.counts.keys().next().value!);
      this.counts.set(key, n);
    }
    return n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
