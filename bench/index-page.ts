/**
 * The table's queries on a big index: a page of 200 rows in each sort, and filters typed letter by
 * letter, on an index of N made-up rows (no cache is read: what is measured is SQLite and the page
 * query of electron/services/index/index-db.ts). Prints each query's first run (its count not yet
 * remembered, as after a keystroke) and the median of 5.
 *
 *   npx tsx bench/index-page.ts [--rows 100000] [--file /tmp/index-bench.sqlite]
 *
 * The file is kept and reused when it exists (a million rows take minutes to write on 2 cores).
 */
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IndexedPath } from '../electron/services/index/index-db';
import { IndexDb } from '../electron/services/index/index-db';
import { syntheticHash } from '../electron/services/index/synthetic-narinfos';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, file: { type: 'string' } } });
const n = Number(values.rows);
const file = values.file ?? join(tmpdir(), `narwhal-index-bench-${n}.sqlite`);
const fresh = !existsSync(file);
const { db } = IndexDb.open(file);
if (fresh) {
  const started = Date.now();
  const names = ['python3', 'gcc', 'glibc', 'hello', 'openssl', 'zlib', 'perl', 'bash', 'coreutils', 'systemd'];
  let batch: IndexedPath[] = [];
  for (let i = 0; i < n; i++) {
    const hash = syntheticHash(i, 'bench');
    const name = `${names[i % 10]}-${i % 1000}.${i}`;
    const broken = i % 10_000 === 7;
    const raw = `StorePath: /nix/store/${hash}-${name}\nURL: nar/${'x'.repeat(52)}.nar.xz\nCompression: xz\nFileHash: sha256:${'y'.repeat(52)}\nFileSize: ${1000 + i}\nNarHash: sha256:${'z'.repeat(52)}\nNarSize: ${4000 + i}\nReferences: ${'r'.repeat(40)} ${'s'.repeat(40)}\nSig: k1:${'A'.repeat(86)}==\n`;
    batch.push({
      hash, etag: 'e', lastModified: 1_700_000_000_000 + i * 1000, size: raw.length,
      storePath: broken ? null : `/nix/store/${hash}-${name}`, name: broken ? null : name,
      narSize: broken ? null : (i * 7919) % 100_000_000, fileSize: broken ? null : (i * 104_729) % 50_000_000, compression: broken ? null : i % 3 ? 'xz' : 'zstd',
      url: 'nar/x', narHash: 'h', fileHash: 'f', references: [`${hash}-a`, `${hash}-b`], deriver: null, sigs: i % 5 ? [`k1:${'A'.repeat(86)}==`] : [], ca: null, raw,
      error: broken ? 'does not parse' : null,
    });
    if (batch.length === 5000) {
      db.upsert(batch);
      batch = [];
    }
  }
  if (batch.length) db.upsert(batch);
  console.log(`wrote ${n} rows to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function time(label: string, run: () => { total: number }): void {
  const runs: number[] = [];
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    total = run().total;
    runs.push(performance.now() - t);
  }
  const first = runs[0]!;
  runs.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} first ${first.toFixed(1).padStart(7)} ms   median ${runs[2]!.toFixed(1).padStart(7)} ms   (${total} rows match)`);
}

console.log(`${n} rows; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const mid = Math.floor(n / 2);
time('by name, first page', () => db.page({ offset: 0, limit: 200 }));
time(`by name, rows ${mid}…`, () => db.page({ offset: mid, limit: 200 }));
for (const column of ['narSize', 'fileSize', 'compression', 'references', 'signatures', 'lastModified', 'hash'] as const) {
  time(`by ${column} descending, rows ${mid}…`, () => db.page({ offset: mid, limit: 200, sort: { column, descending: true } }));
}
for (const filter of ['p', 'py', 'pyt', 'pyth', 'python3-12', 'zzzzz', syntheticHash(5, 'bench').slice(4, 14)]) {
  time(`filter "${filter}" by name`, () => db.page({ offset: 0, limit: 200, filter }));
  time(`filter "${filter}" by NAR size`, () => db.page({ offset: 0, limit: 200, filter, sort: { column: 'narSize', descending: true } }));
}
db.close();
