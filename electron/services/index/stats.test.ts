import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serialiseNarinfo } from '../../../shared/nix/narinfo';
import { encodeNix32 } from '../../../shared/nix/nix32';
import { FileStore } from '../stores/file-store';
import { IndexDb } from './index-db';
import { listNarObjects, saveNarObjects } from './nar-objects';
import { refreshIndex, rowFromNarinfo } from './refresh';
import { closureGraph, largestClosures } from './closure-sizes';
import type { IndexedPath } from './index-db';
import { addedOverTime, cacheNumbers, largestClosuresOf, narPresence, plotsOf, sizeHistogram, statsPaths, statsPathsOf } from './stats';
import { syntheticIndexRows } from './synthetic-index';
import { syntheticHash } from './synthetic-narinfos';

const opened: IndexDb[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function memoryIndex(): IndexDb {
  const { db } = IndexDb.open(':memory:');
  opened.push(db);
  return db;
}

const day = 86_400_000;

interface Spec {
  narSize: number;
  fileSize?: number;
  compression?: string;
  refs?: number[];
  sigs?: string[];
  /** ms since the epoch. */
  lastModified?: number;
}

/** A narinfo text for path `i` of a made-up cache, and the row the index keeps of it. */
function narinfoOf(i: number, spec: Spec) {
  const hash = syntheticHash(i, 'stats');
  const sha = (what: string) => ({ algo: 'sha256' as const, bytes: createHash('sha256').update(`${what}/${i}`).digest() });
  const compression = spec.compression ?? 'xz';
  const text = serialiseNarinfo({
    storePath: `/nix/store/${hash}-p${i}`,
    url: `nar/${encodeNix32(sha('file').bytes)}.nar${compression === 'none' ? '' : `.${compression}`}`,
    compression,
    fileHash: sha('file'),
    fileSize: spec.fileSize ?? spec.narSize,
    narHash: sha('nar'),
    narSize: spec.narSize,
    references: (spec.refs ?? []).map((r) => `${syntheticHash(r, 'stats')}-p${r}`),
    sigs: spec.sigs ?? [],
    unknown: [],
  });
  return { hash, key: `${hash}.narinfo`, text, row: rowFromNarinfo({ hash, etag: null, lastModified: spec.lastModified ?? 0, size: text.length }, text) };
}

function indexOf(specs: Spec[]): IndexDb {
  const db = memoryIndex();
  db.upsert(specs.map((spec, i) => narinfoOf(i, spec).row));
  return db;
}

const sig = (key: string) => `${key}:${'A'.repeat(86)}==`;

describe('stats of an index', () => {
  it('counts the paths behind "unsigned" and "unusable" and lists them by name', () => {
    const db = indexOf([{ narSize: 10, sigs: [sig('a-1')] }, { narSize: 20 }, { narSize: 30, sigs: [sig('a-1'), sig('b-1')] }, { narSize: 40 }]);
    db.upsert([rowFromNarinfo({ hash: '0'.repeat(32), etag: null, lastModified: 0, size: 8 }, 'garbage\n')]);
    expect(statsPaths(db, 'unsigned', 10)).toEqual({
      total: 2,
      paths: [
        { hash: syntheticHash(1, 'stats'), name: 'p1', narSize: 20, url: expect.stringMatching(/^nar\/.*\.nar\.xz$/) },
        { hash: syntheticHash(3, 'stats'), name: 'p3', narSize: 40, url: expect.stringMatching(/^nar\//) },
      ],
    });
    expect(statsPaths(db, 'unsigned', 1)).toMatchObject({ total: 2, paths: [{ name: 'p1' }] });
    expect(statsPaths(db, 'errors', 10)).toEqual({ total: 1, paths: [{ hash: '0'.repeat(32), error: expect.stringContaining('0'.repeat(32)) }] });
    expect(db.stats()).toMatchObject({ paths: 4, unsigned: 2, errors: 1, signers: [{ key: 'a-1', paths: 2 }, { key: 'b-1', paths: 1 }] });
  });

  it('calls no NAR missing before nar/ was listed, then those whose URL the listing lacks', () => {
    const specs = [{ narSize: 1 }, { narSize: 2 }, { narSize: 3 }];
    const db = indexOf(specs);
    expect(narPresence(db)).toEqual({ narFiles: 0, narFileBytes: 0, narMissing: 0 });
    expect(statsPaths(db, 'nar-missing', 10)).toEqual({ paths: [], total: 0 });
    const urls = specs.map((spec, i) => narinfoOf(i, spec).row.url!);
    saveNarObjects(db, [{ key: urls[0]!, size: 5 }, { key: urls[2]!, size: 7 }, { key: 'nar/orphan.nar.xz', size: 100 }], new Date('2026-12-01T00:00:00Z'));
    expect(narPresence(db)).toEqual({ narsListedAt: '2026-12-01T00:00:00.000Z', narFiles: 3, narFileBytes: 112, narMissing: 1 });
    expect(statsPaths(db, 'nar-missing', 10)).toEqual({ total: 1, paths: [{ hash: syntheticHash(1, 'stats'), name: 'p1', narSize: 2, url: urls[1] }] });
    // A new listing replaces the old one whole.
    saveNarObjects(db, urls.map((key) => ({ key, size: 1 })));
    expect(narPresence(db)).toMatchObject({ narFiles: 3, narMissing: 0 });
  });

  it('puts NAR sizes in power-of-two buckets from the smallest to the largest, empty ones included', () => {
    const db = indexOf([{ narSize: 1 }, { narSize: 3 }, { narSize: 1000 }, { narSize: 1023 }, { narSize: 1024 }, { narSize: 5 * 2 ** 30 }]);
    const buckets = sizeHistogram(db);
    expect(buckets[0]).toEqual({ from: 0, to: 2, paths: 1, narBytes: 1 });
    expect(buckets[1]).toEqual({ from: 2, to: 4, paths: 1, narBytes: 3 });
    expect(buckets.find((b) => b.from === 512)).toEqual({ from: 512, to: 1024, paths: 2, narBytes: 2023 });
    expect(buckets.find((b) => b.from === 1024)).toEqual({ from: 1024, to: 2048, paths: 1, narBytes: 1024 });
    expect(buckets.at(-1)).toEqual({ from: 2 ** 32, to: 2 ** 33, paths: 1, narBytes: 5 * 2 ** 30 });
    expect(buckets).toHaveLength(33);
    expect(buckets.reduce((n, b) => n + b.paths, 0)).toBe(6);
    expect(sizeHistogram(memoryIndex())).toEqual([]);
  });

  it('counts paths added per day over a short span and per week (from Monday) over a long one', () => {
    const monday = Date.UTC(2026, 10, 2); // 2 November 2026 was a Monday.
    const db = indexOf([{ narSize: 1, lastModified: monday + 5 }, { narSize: 2, lastModified: monday + 3 * day + 7 }, { narSize: 4, lastModified: monday + 3 * day + 9 }]);
    expect(addedOverTime(db)).toEqual({
      unit: 'day',
      points: [
        { start: monday, paths: 1, narBytes: 1 },
        { start: monday + day, paths: 0, narBytes: 0 },
        { start: monday + 2 * day, paths: 0, narBytes: 0 },
        { start: monday + 3 * day, paths: 2, narBytes: 6 },
      ],
    });
    const long = indexOf([{ narSize: 1, lastModified: monday + 2 * day }, { narSize: 2, lastModified: monday + 200 * day }, { narSize: 3, lastModified: monday + 201 * day }]);
    const weekly = addedOverTime(long);
    expect(weekly.unit).toBe('week');
    expect(weekly.points[0]).toEqual({ start: monday, paths: 1, narBytes: 1 });
    expect(weekly.points).toHaveLength(29);
    expect(weekly.points.every((p) => new Date(p.start).getUTCDay() === 1)).toBe(true);
    expect(weekly.points.at(-1)).toEqual({ start: monday + 196 * day, paths: 2, narBytes: 5 });
    expect(addedOverTime(memoryIndex())).toEqual({ unit: 'day', points: [] });
  });

  it('finds the largest closures from the references, and remembers them until the index changes', async () => {
    // 0 <- 1 <- 2 (a chain), 3 -> {0, 4}, 5 alone and big; 2 refers to a path the cache lacks.
    const specs: Spec[] = [{ narSize: 100, fileSize: 10 }, { narSize: 10, fileSize: 1, refs: [0, 1] }, { narSize: 1, fileSize: 1, refs: [1, 99] }, { narSize: 5, fileSize: 1, refs: [0, 4] }, { narSize: 7, fileSize: 1 }, { narSize: 115, fileSize: 2 }];
    const db = indexOf(specs);
    const { closures } = await largestClosuresOf(db, 4);
    expect(closures).toEqual([
      { hash: syntheticHash(5, 'stats'), name: 'p5', paths: 1, narBytes: 115, fileBytes: 2 },
      { hash: syntheticHash(3, 'stats'), name: 'p3', paths: 3, narBytes: 112, fileBytes: 12 },
      { hash: syntheticHash(2, 'stats'), name: 'p2', paths: 3, narBytes: 111, fileBytes: 12 },
      { hash: syntheticHash(1, 'stats'), name: 'p1', paths: 2, narBytes: 110, fileBytes: 11 },
    ]);
    expect((await largestClosuresOf(db, 2)).closures).toEqual(closures.slice(0, 2));
    // Read in chunks (of 4 rows here, 25 000 in use), with other calls let in between: the same answer.
    expect((await largestClosuresOf(indexOf(specs), 4, { chunk: 4 })).closures).toEqual(closures);
    db.upsert([narinfoOf(6, { narSize: 1, refs: [3, 5] }).row]);
    expect((await largestClosuresOf(db, 1)).closures).toEqual([{ hash: syntheticHash(6, 'stats'), name: 'p6', paths: 5, narBytes: 228, fileBytes: 15 }]);
    db.remove([syntheticHash(6, 'stats')]);
    expect((await largestClosuresOf(db, 1)).closures[0]!.name).toBe('p5');
  });
});

/**
 * A synthetic cache with everything the numbers distinguish: unusable narinfos, unsigned paths, three
 * signers, a path signed twice by one key, NARs missing from the listing, names whose order differs
 * between UTF-16 and UTF-8, references to paths the index lacks, self-references and a cycle, and gaps
 * and a replaced row in the rowids.
 */
function awkwardIndex(db: IndexDb): void {
  const options = { seed: 'awkward', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 2, 1) };
  const rows = syntheticIndexRows(0, 400, 400, options);
  const direct = (i: number, fields: Partial<IndexedPath>): IndexedPath => ({ ...rows[i]!, hash: syntheticHash(1000 + i, 'awkward'), ...fields });
  const base = (row: IndexedPath) => `${row.hash}-${row.name}`;
  const twice = direct(1, { name: '\uff61-halfwidth', sigs: [sig('a-1'), sig('a-1'), sig('c-3')], compression: 'bzip2' });
  const emoji = direct(2, { name: '\u{1f600}-emoji', sigs: [] });
  const halfwidth = direct(5, { name: '\uff61-unsigned', sigs: [] });
  const loopA = direct(3, { name: 'loop-a', sigs: [] });
  const loopB = direct(4, { name: 'loop-b', references: [base(loopA)], narSize: 10 ** 9 });
  loopA.references = [base(loopB), base(loopA), `${'0'.repeat(32)}-gone`, 'short', `${'\u00e9'.repeat(32)}-odd`];
  db.upsert(rows);
  db.upsert([twice, emoji, halfwidth, loopA, loopB]);
  db.upsert(['garbage\n', 'StorePath: /nix/store/x\n'].map((text, i) => rowFromNarinfo({ hash: syntheticHash(2000 + i, 'awkward'), etag: null, lastModified: null, size: 8 }, text)));
  // Gaps in the rowids, a replaced row (a new rowid), and references to the removed paths.
  db.remove(rows.filter((_, i) => i % 37 === 5).map((r) => r.hash));
  db.upsert([{ ...rows[10]!, sigs: [] }]);
  saveNarObjects(db, [...rows, twice, loopA, loopB].filter((_, i) => i % 11 !== 3).map((r) => ({ key: r.url!, size: r.fileSize! })));
}

async function memoryAndFile(): Promise<Array<[string, IndexDb]>> {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-stats-steps-'));
  dirs.push(root);
  const { db } = IndexDb.open(join(root, 'index.sqlite'));
  opened.push(db);
  return [
    ['in memory', memoryIndex()],
    ['in a file (a snapshot on a second connection)', db],
  ];
}

describe('the numbers and plots computed in steps', () => {
  it('equal the single queries\' on an awkward index, in steps of a few rowids or paced by time', async () => {
    for (const [where, db] of await memoryAndFile()) {
      awkwardIndex(db);
      const expected = { ...db.stats(), ...narPresence(db) };
      expect(expected, where).toMatchObject({ errors: 2, narMissing: expect.any(Number) });
      expect(expected.narMissing).toBeGreaterThan(10);
      expect(expected.signers.map((s) => s.key)).toEqual(['cache.example.org-1', 'ci.example.org-2', 'a-1', 'c-3']);
      expect(expected.signers.find((s) => s.key === 'a-1')!.paths).toBe(1);
      for (const step of [3, 64, undefined]) {
        expect(await cacheNumbers(fresh(db), { step }), `${where}, step ${step}`).toEqual(expected);
        expect(await plotsOf(fresh(db), { step })).toEqual({ sizeHistogram: sizeHistogram(db), added: addedOverTime(db) });
        for (const kind of ['unsigned', 'nar-missing', 'errors'] as const) {
          for (const limit of [1, 4, 500]) expect(await statsPathsOf(fresh(db), kind, limit, { step }), `${kind} ${limit}`).toEqual(statsPaths(db, kind, limit));
        }
      }
      // SQLite's order of names is their UTF-8 bytes': U+FF61 before U+1F600, which UTF-16 puts first.
      const unsigned = (await statsPathsOf(db, 'unsigned', 500)).paths.map((p) => p.name);
      expect(unsigned.slice(-2)).toEqual(['\uff61-unsigned', '\u{1f600}-emoji']);
    }
  });

  it('read one snapshot: a write during the steps is not half counted, and the next call sees it', async () => {
    for (const [where, db] of await memoryAndFile()) {
      awkwardIndex(db);
      const before = { ...db.stats(), ...narPresence(db) };
      const pending = cacheNumbers(db, { step: 2 });
      const paths = statsPathsOf(db, 'unsigned', 500, { step: 2 });
      const more = syntheticIndexRows(400, 420, 420, { seed: 'awkward', from: 0, to: 1 }).map((r) => ({ ...r, sigs: [] }));
      db.upsert(more);
      const after = { ...db.stats(), ...narPresence(db) };
      expect(after.paths).toBe(before.paths + 20);
      // A file's snapshot answers for the index as it was when asked; in memory the work is done again.
      expect(await pending, where).toEqual(where === 'in memory' ? after : before);
      expect((await paths).total).toBe(where === 'in memory' ? before.unsigned + 20 : before.unsigned);
      expect(await cacheNumbers(db)).toEqual(after);
      expect(await statsPathsOf(db, 'unsigned', 500)).toEqual(statsPaths(db, 'unsigned', 500));
    }
  });

  it('finds the largest closures exactly as loading every row with its strings does', async () => {
    for (const [where, db] of await memoryAndFile()) {
      awkwardIndex(db);
      // The plain way: every usable row by rowid, references parsed whole, a Map of hashes.
      const rows = db.connection.prepare('SELECT hash, name, nar_size, file_size, refs FROM paths WHERE error IS NULL ORDER BY rowid').all() as Array<{ hash: string; name: string; nar_size: number; file_size: number | null; refs: string }>;
      const number = new Map(rows.map((r, i) => [r.hash, i]));
      const nodes = rows.map((r) => ({
        narSize: r.nar_size,
        fileSize: r.file_size ?? 0,
        refs: (JSON.parse(r.refs) as string[]).map((ref) => number.get(ref.slice(0, 32))).filter((n) => n !== undefined),
      }));
      const expected = largestClosures(closureGraph(nodes), 40).map((c) => ({ hash: rows[c.node]!.hash, name: rows[c.node]!.name, paths: c.paths, narBytes: c.narBytes, fileBytes: c.fileBytes }));
      // The cycle's two paths have the same closure: the one read first comes first.
      expect(expected.slice(0, 2).map((c) => c.name), where).toEqual(['loop-a', 'loop-b']);
      for (const chunk of [1, 7, undefined]) {
        expect((await largestClosuresOf(fresh(db), 40, { chunk })).closures, `${where}, chunk ${chunk}`).toEqual(expected);
      }
    }
  });
});

let bumps = 0;
/**
 * The index with nothing remembered of it: a new IndexDb object on the same file, or, in memory, the
 * same one after a write that changes no number (results are remembered until the index changes).
 */
function fresh(db: IndexDb): IndexDb {
  if (db.connection.memory) {
    db.setMeta('test-bump', String(++bumps));
    return db;
  }
  const { db: copy } = IndexDb.open(db.file);
  opened.push(copy);
  return copy;
}

describe('NAR presence through a refresh of a folder cache', () => {
  it('lists nar/ with the narinfos and counts a deleted NAR as missing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-stats-'));
    dirs.push(root);
    await mkdir(join(root, 'nar'));
    const made = [0, 1, 2].map((i) => narinfoOf(i, { narSize: 100 + i }));
    for (const n of made) {
      await writeFile(join(root, n.key), n.text);
      await writeFile(join(root, n.row.url!), 'x'.repeat(10));
    }
    const store = new FileStore(root);
    expect((await listNarObjects(store)).map((o) => o.key).sort()).toEqual(made.map((n) => n.row.url).sort());
    const db = memoryIndex();
    await refreshIndex(store, db);
    expect(narPresence(db)).toMatchObject({ narFiles: 3, narFileBytes: 30, narMissing: 0 });
    await rm(join(root, made[1]!.row.url!));
    await refreshIndex(store, db);
    expect(narPresence(db)).toMatchObject({ narFiles: 2, narMissing: 1 });
    expect(statsPaths(db, 'nar-missing', 10).paths.map((p) => p.name)).toEqual(['p1']);
  });
});

describe('the synthetic cache of the memory benchmark', () => {
  it('makes rows equal to what a refresh makes of its narinfos', () => {
    const options = { seed: 'check', from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 5, 1) };
    const rows = syntheticIndexRows(0, 400, 400, options);
    for (const row of rows) expect(row).toEqual(rowFromNarinfo({ hash: row.hash, etag: row.etag, lastModified: row.lastModified, size: row.size }, row.raw!));
    // Shaped like a cache: a core most paths refer to, signed and unsigned paths, three methods.
    expect(new Set(rows.map((r) => r.compression))).toEqual(new Set(['xz', 'zstd', 'none']));
    expect(rows.filter((r) => r.sigs.length === 0).length).toBeGreaterThan(10);
    expect(rows.every((r, i) => i === 0 || r.lastModified! >= rows[0]!.lastModified!)).toBe(true);
  });
});
