import { parseArgs } from 'node:util';
import type { CacheConfig } from '../../../shared/caches/config';
import type { IndexedPath } from '../../services/index/index-db';
import { openCacheIndex } from '../../services/index/index-file';
import { pathJson, signatureKeyNames, signatureStatus } from '../../services/index/path-json';
import type { RefreshProgress } from '../../services/index/refresh';
import { refreshIndex } from '../../services/index/refresh';
import { resolveDataDir } from '../../services/settings/data-dir';
import { openStore } from '../../services/stores/open-store';
import type { CliIO } from '../io';
import { expectPositionals, writeLine } from '../io';
import { groupDigits, progressLine } from '../progress';
import { formatBytes } from '../push-report';
import { storeTarget } from '../store-target';
import { interruption } from './push';

export function describeRefresh(p: RefreshProgress): string {
  if (p.phase === 'listing') return `listed ${groupDigits(p.listed)} narinfo keys…`;
  return `listed ${groupDigits(p.listed)} narinfo keys … read ${groupDigits(p.read)}/${groupDigits(p.toRead)} new or changed narinfos${p.errors ? `, ${groupDigits(p.errors)} unusable` : ''}`;
}

/**
 * Brings the index of a cache up to date (incrementally: only new or changed narinfos are read) and
 * hands it to `use`, with a progress line on stderr when it is a terminal.
 */
export async function withFreshIndex<T>(config: CacheConfig, dataDir: string, io: CliIO, use: (db: ReturnType<typeof openCacheIndex>) => T): Promise<T> {
  const db = openCacheIndex(dataDir, config, (notice) => writeLine(io.stderr, `warning: ${notice}`));
  const store = openStore(config, io.env);
  const progress = progressLine(io.stderr);
  const { signal, dispose } = interruption(io);
  try {
    await refreshIndex(store, db, { signal, onProgress: (p) => progress.update(describeRefresh(p)) });
    progress.done();
    return use(db);
  } finally {
    progress.done();
    dispose();
    store.close();
    db.close();
  }
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/** One row as `ls --long` prints it, in columns. */
function columnsOf(row: IndexedPath): string[] {
  return [
    row.storePath!.slice(row.storePath!.lastIndexOf('/') + 1),
    formatBytes(row.narSize!),
    row.fileSize === null ? '-' : formatBytes(row.fileSize),
    row.compression!,
    `${row.references.length} refs`,
    signatureStatus(row.sigs),
    iso(row.lastModified),
  ];
}

/** Sizes read best right-aligned, the rest left-aligned. */
const rightAligned = new Set([1, 2, 4]);

/**
 * `narwhal ls STORE-URL|NAME --long [--json]`: every path with its NAR size, download size,
 * compression, references, signature status and last modified, from the cache's index (refreshed
 * first; on an unchanged cache that reads no narinfo). Narinfos that cannot be used go to stderr,
 * and the exit status is then 1.
 */
export async function lsLong(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, long: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } }, allowPositionals: true });
  expectPositionals(positionals, ["STORE-URL (or a saved cache's name)"]);
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const config = await storeTarget(positionals[0]!, dataDir, io);
  const rows = await withFreshIndex(config, dataDir, io, (db) => [...db.all()]);
  const good = rows.filter((row) => row.error === null);
  const bad = rows.filter((row) => row.error !== null);
  if (values.json) {
    const objects = [
      ...good.map((row) => ({ hash: row.hash, name: row.name, ...pathJson(row), signedBy: signatureKeyNames(row.sigs), lastModified: row.lastModified === null ? null : new Date(row.lastModified).toISOString() })),
      ...bad.map((row) => ({ hash: row.hash, error: row.error })),
    ];
    writeLine(io.stdout, JSON.stringify(objects));
  } else {
    const table = good.map(columnsOf);
    const widths = table.reduce<number[]>((w, cells) => cells.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
    // Written in chunks: 100 000 lines, one write each, would be slow on a pipe.
    let chunk = '';
    for (const cells of table) {
      chunk += cells.map((cell, i) => (i === cells.length - 1 ? cell : rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ') + '\n';
      if (chunk.length > 65536) {
        io.stdout.write(chunk);
        chunk = '';
      }
    }
    if (chunk) io.stdout.write(chunk);
  }
  for (const row of bad) writeLine(io.stderr, `${row.hash}.narinfo: ${row.error}`);
  return bad.length ? 1 : 0;
}
