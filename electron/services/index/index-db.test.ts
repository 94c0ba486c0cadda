import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IndexedPath } from './index-db';
import { IndexDb, schemaVersion } from './index-db';
import { sqlite } from './sqlite';
import { syntheticHash } from './synthetic-narinfos';

const opened: IndexDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function open(file = ':memory:'): IndexDb {
  const { db } = IndexDb.open(file);
  opened.push(db);
  return db;
}

/** Row `i`: name `p-<i>`, NAR size `sizes[i]`; a row with `broken` set has the fields of a narinfo that did not parse. */
function row(i: number, narSize: number, broken = false): IndexedPath {
  const hash = syntheticHash(i, 'page');
  return {
    hash,
    etag: null,
    lastModified: 1000 + i,
    size: 100,
    storePath: broken ? null : `/nix/store/${hash}-p-${i}`,
    name: broken ? null : `p-${i}`,
    narSize: broken ? null : narSize,
    fileSize: broken ? null : narSize / 2,
    compression: broken ? null : i % 2 ? 'xz' : 'zstd',
    url: null,
    narHash: null,
    fileHash: null,
    references: [],
    deriver: null,
    sigs: [],
    ca: null,
    raw: 'StorePath: …',
    error: broken ? 'NarHash missing' : null,
  };
}

describe('IndexDb.page', () => {
  const sizes = [50, 10, 40, 30, 20];
  const filled = () => {
    const db = open();
    db.upsert([...sizes.map((size, i) => row(i, size)), row(5, 0, true), row(6, 0, true)]);
    return db;
  };

  it('puts rows without a value (narinfos that do not parse) last in either direction, and pages across them', () => {
    const db = filled();
    const brokenLast = [syntheticHash(5, 'page'), syntheticHash(6, 'page')].sort();
    expect(db.page({ offset: 0, limit: 10, sort: { column: 'narSize' } }).rows.map((r) => r.narSize ?? r.hash)).toEqual([10, 20, 30, 40, 50, ...brokenLast]);
    expect(db.page({ offset: 0, limit: 10, sort: { column: 'narSize', descending: true } }).rows.map((r) => r.narSize ?? r.hash)).toEqual([50, 40, 30, 20, 10, ...brokenLast.reverse()]);
    // A page that straddles the two walks.
    const straddling = db.page({ offset: 4, limit: 2, sort: { column: 'name' } });
    expect(straddling).toMatchObject({ total: 7 });
    expect(straddling.rows.map((r) => r.name ?? r.error)).toEqual(['p-4', 'NarHash missing']);
    expect(db.page({ offset: 6, limit: 5, sort: { column: 'name' } }).rows).toHaveLength(1);
    expect(db.page({ offset: 9, limit: 5 }).rows).toEqual([]);
  });

  it('keeps the narinfo text out of page rows', () => {
    expect(filled().page({ offset: 0, limit: 1 }).rows[0]!.raw).toBeNull();
  });

  it('filters by a substring of the name or hash, case-insensitively, with LIKE wildcards taken literally', () => {
    const db = filled();
    expect(db.page({ offset: 0, limit: 10, filter: 'P-3' }).rows.map((r) => r.name)).toEqual(['p-3']);
    expect(db.page({ offset: 0, limit: 10, filter: '%' }).total).toBe(0);
    expect(db.page({ offset: 0, limit: 10, filter: 'p_' }).total).toBe(0);
    const hash = syntheticHash(2, 'page');
    expect(db.page({ offset: 0, limit: 10, filter: hash.slice(5, 15).toUpperCase() }).rows.map((r) => r.hash)).toContain(hash);
  });

  it('reads a pasted store path (or a path inside one) as its hash alone', () => {
    const db = filled();
    const hash = syntheticHash(3, 'page');
    for (const pasted of [`/nix/store/${hash}-p-3`, `/nix/store/${hash}`, `/nix/store/${hash}-p-3/bin/x`, `/nix/store/${hash}-other-name`]) {
      expect(db.page({ offset: 0, limit: 10, filter: pasted }).rows.map((r) => r.name)).toEqual(['p-3']);
    }
  });

  it('gives the same rows whichever plan a filtered sort takes (few matches: matches first; many: the sort index)', () => {
    const db = open();
    // 4 000 rows named p-<i>: "p-1" matches 1 111 of them (matches first), "p" all (index walk).
    db.upsert(Array.from({ length: 4000 }, (_, i) => row(i, (i * 7919) % 4000)));
    for (const filter of ['p-1', 'p']) {
      const page = db.page({ offset: 100, limit: 50, filter, sort: { column: 'narSize', descending: true } });
      const all = db.page({ offset: 0, limit: 4000, sort: { column: 'narSize', descending: true } }).rows.filter((r) => r.name!.includes(filter));
      expect(page.total).toBe(all.length);
      expect(page.rows.map((r) => r.hash)).toEqual(all.slice(100, 150).map((r) => r.hash));
    }
  });
});

describe('IndexDb counts', () => {
  it('remembers a filter\'s count until this connection or another one writes', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'narwhal-index-counts-')), 'i.sqlite');
    const db = open(file);
    db.upsert([row(0, 1), row(1, 2)]);
    expect(db.page({ offset: 0, limit: 1, filter: 'p-' }).total).toBe(2);
    db.upsert([row(2, 3)]);
    expect(db.page({ offset: 0, limit: 1, filter: 'p-' }).total).toBe(3);
    // The CLI refreshing the same file, from its own connection.
    const other = open(file);
    other.remove([syntheticHash(0, 'page')]);
    expect(db.page({ offset: 0, limit: 5, filter: 'p-' })).toMatchObject({ total: 2 });
    expect(db.page({ offset: 0, limit: 5, filter: 'p-' }).rows).toHaveLength(2);
  });
});

describe('IndexDb change version and reader', () => {
  it('changes its version with any write, of this connection or another, and not with reads', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'narwhal-index-version-')), 'i.sqlite');
    const db = open(file);
    const seen = new Set([db.changeVersion()]);
    const changed = () => {
      const version = db.changeVersion();
      const isNew = !seen.has(version);
      seen.add(version);
      return isNew;
    };
    db.page({ offset: 0, limit: 5 });
    expect(changed()).toBe(false);
    db.upsert([row(0, 1)]);
    expect(changed()).toBe(true);
    // A table another module keeps in the file (nar-objects.ts) counts too.
    db.connection.exec('CREATE TABLE IF NOT EXISTS nar_objects (key TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID');
    db.connection.prepare('INSERT INTO nar_objects VALUES (?, ?)').run('nar/x.nar', 1);
    expect(changed()).toBe(true);
    const other = open(file);
    other.remove([syntheticHash(0, 'page')]);
    expect(changed()).toBe(true);
    expect(changed()).toBe(false);
  });

  it('opens a read-only second connection that keeps its snapshot while the first writes; none in memory', async () => {
    expect(open().openReader()).toBeUndefined();
    const file = join(await mkdtemp(join(tmpdir(), 'narwhal-index-reader-')), 'i.sqlite');
    const db = open(file);
    db.upsert([row(0, 1)]);
    const reader = db.openReader()!;
    try {
      reader.exec('BEGIN');
      const count = reader.prepare('SELECT count(*) FROM paths').pluck();
      expect(count.get()).toBe(1);
      db.upsert([row(1, 2)]);
      expect(count.get()).toBe(1);
      reader.exec('COMMIT');
      expect(count.get()).toBe(2);
      expect(() => reader.exec('DELETE FROM paths')).toThrow(/readonly/);
    } finally {
      reader.close();
    }
  });
});

describe('IndexDb schema', () => {
  it('migrates a version 1 file in place: rows kept, the sort indexes added', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'narwhal-index-v1-')), 'v1.sqlite');
    const Sqlite = sqlite();
    const v1 = new Sqlite(file);
    // Version 1 as it shipped: the tables and no index but the primary key.
    v1.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE paths (hash TEXT PRIMARY KEY, etag TEXT, last_modified INTEGER, key_size INTEGER NOT NULL, store_path TEXT, name TEXT, nar_size INTEGER, file_size INTEGER, compression TEXT, url TEXT, nar_hash TEXT, file_hash TEXT, refs TEXT NOT NULL, ref_count INTEGER NOT NULL, deriver TEXT, sigs TEXT NOT NULL, sig_count INTEGER NOT NULL, ca TEXT, raw TEXT, error TEXT);
      INSERT INTO meta VALUES ('schema_version', '1');
      INSERT INTO paths (hash, key_size, name, refs, ref_count, sigs, sig_count) VALUES ('${syntheticHash(1)}', 10, 'kept', '[]', 0, '[]', 0);`);
    v1.close();
    const { db, movedAside } = IndexDb.open(file);
    opened.push(db);
    expect(movedAside).toBeUndefined();
    expect(db.getMeta('schema_version')).toBe(String(schemaVersion));
    expect(db.page({ offset: 0, limit: 5 }).rows.map((r) => r.name)).toEqual(['kept']);
    db.close();
    const check = new Sqlite(file);
    const indexes = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'paths_by_%'").all() as Array<{ name: string }>).map((r) => r.name);
    check.close();
    expect(indexes.sort()).toEqual(['paths_by_compression', 'paths_by_file_size', 'paths_by_last_modified', 'paths_by_name', 'paths_by_nar_size', 'paths_by_ref_count', 'paths_by_sig_count']);
  });
});
