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
    `${row.references.length} ref${row.references.length === 1 ? '' : 's'}`,
    signatureStatus(row.sigs),
    iso(row.lastModified),
  ];
}

/** Writes in chunks of about 64 kB: 100 000 lines, one write each, would be slow on a pipe. */
function chunkedWriter(stream: NodeJS.WritableStream): { write(text: string): void; end(): void } {
  let chunk = '';
  return {
    write(text) {
      chunk += text;
      if (chunk.length > 65536) {
        stream.write(chunk);
        chunk = '';
      }
    },
    end() {
      if (chunk) stream.write(chunk);
      chunk = '';
    },
  };
}

/** Sizes read best right-aligned, the rest left-aligned. */
const rightAligned = new Set([1, 2]);

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
  // Printed from the index in passes over it, not gathered first: a million rows with their raw text
  // would be a gigabyte. Broken narinfos are few, kept for stderr and printed last.
  const bad = await withFreshIndex(config, dataDir, io, (db) => {
    const broken: IndexedPath[] = [];
    const out = chunkedWriter(io.stdout);
    if (values.json) {
      let first = true;
      out.write('[');
      for (const row of db.all()) {
        if (row.error !== null) {
          broken.push(row);
          continue;
        }
        const object = { hash: row.hash, name: row.name, ...pathJson(row), signedBy: signatureKeyNames(row.sigs), lastModified: row.lastModified === null ? null : new Date(row.lastModified).toISOString() };
        out.write((first ? '' : ',') + JSON.stringify(object));
        first = false;
      }
      for (const row of broken) {
        out.write((first ? '' : ',') + JSON.stringify({ hash: row.hash, error: row.error }));
        first = false;
      }
      out.write(']\n');
    } else {
      let widths: number[] = [];
      for (const row of db.all()) if (row.error === null) widths = columnsOf(row).map((cell, i) => Math.max(widths[i] ?? 0, cell.length));
      for (const row of db.all()) {
        if (row.error !== null) {
          broken.push(row);
          continue;
        }
        const cells = columnsOf(row);
        out.write(cells.map((cell, i) => (i === cells.length - 1 ? cell : rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ') + '\n');
      }
    }
    out.end();
    return broken;
  });
  for (const row of bad) writeLine(io.stderr, `${row.hash}.narinfo: ${row.error}`);
  return bad.length ? 1 : 0;
}
