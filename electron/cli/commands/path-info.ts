import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { IndexDb } from '../../services/index/index-db';
import { IndexDb as Index } from '../../services/index/index-db';
import { indexFile } from '../../services/index/index-file';
import type { ClosureEntry } from '../../services/index/path-info';
import { NarinfoReader, cacheClosureOf, hashOfPathArgument } from '../../services/index/path-info';
import { pathJson, signatureStatus } from '../../services/index/path-json';
import { resolveDataDir } from '../../services/settings/data-dir';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand } from '../io';
import { expectPositionals, writeLine } from '../io';
import { formatBytes } from '../push-report';
import { storeTarget } from '../store-target';
import { interruption } from './push';

/** A closure entry's store path, or its hash/base name when the cache does not say. */
const pathOf = (entry: ClosureEntry) => entry.row?.storePath ?? entry.label;

/**
 * `narwhal path-info STORE-URL|NAME STORE-PATH|HASH [--json] [--closure]`: the narinfo of one path as
 * the cache has it; with --closure, every path its References lead to through the cache, the ones
 * the cache lacks named with a path that refers to them (exit status 1 then). Uses the cache's index
 * (`narwhal ls --long`, the app) for the closure when there is one; HTTP caches, which cannot be
 * listed, are read narinfo by narinfo.
 */
export const pathInfo: CliCommand = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, closure: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
    allowPositionals: true,
  });
  expectPositionals(positionals, ["STORE-URL (or a saved cache's name)", 'STORE-PATH (or its hash)']);
  // Refused before anything is read.
  hashOfPathArgument(positionals[1]!);
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const config = await storeTarget(positionals[0]!, dataDir, io);
  const file = indexFile(dataDir, config);
  // Only an index that exists is used: path-info never makes one (an HTTP cache has none).
  let db: IndexDb | undefined;
  if (existsSync(file)) {
    try {
      db = Index.open(file).db;
    } catch (e) {
      writeLine(io.stderr, `warning: the index ${file} cannot be read (${(e as Error).message}); reading narinfos from the cache.`);
    }
  }
  const store = openStore(config, io.env);
  const { signal, dispose } = interruption(io);
  try {
    const reader = new NarinfoReader(store, db);
    const entries = values.closure ? await cacheClosureOf(reader, [positionals[1]!], { signal }) : [{ hash: hashOfPathArgument(positionals[1]!), label: positionals[1]!, row: await reader.read(hashOfPathArgument(positionals[1]!), signal, { fresh: true }) }];
    const missing = entries.filter((entry) => !entry.row);
    const broken = entries.filter((entry) => entry.row?.error);
    const good = entries.filter((entry) => entry.row && !entry.row.error);
    const because = (entry: ClosureEntry) => (entry.referencedBy ? `, which ${entry.referencedBy} refers to` : '');

    if (values.json) {
      const objects = entries.map((entry) => {
        if (!entry.row) return { path: pathOf(entry), valid: false, ...(entry.referencedBy ? { referencedBy: entry.referencedBy } : {}) };
        if (entry.row.error) return { path: pathOf(entry), error: entry.row.error, ...(entry.row.raw !== null ? { raw: entry.row.raw } : {}) };
        return pathJson(entry.row);
      });
      writeLine(io.stdout, JSON.stringify(objects));
    } else if (!values.closure) {
      const row = entries[0]!.row;
      if (row?.raw) io.stdout.write(row.raw.endsWith('\n') ? row.raw : `${row.raw}\n`);
    } else {
      const sorted = good.map((entry) => entry.row!).sort((a, b) => (a.storePath! < b.storePath! ? -1 : 1));
      const width = Math.max(0, ...sorted.map((row) => row.storePath!.length));
      for (const row of sorted) writeLine(io.stdout, `${row.storePath!.padEnd(width)}  ${formatBytes(row.narSize!).padStart(9)}  ${(row.fileSize === null ? '-' : formatBytes(row.fileSize)).padStart(9)}  ${signatureStatus(row.sigs)}`);
      const narBytes = sorted.reduce((sum, row) => sum + row.narSize!, 0);
      const fileBytes = sorted.reduce((sum, row) => sum + (row.fileSize ?? 0), 0);
      writeLine(io.stdout, `${sorted.length} path${sorted.length === 1 ? '' : 's'} in the cache: ${formatBytes(narBytes)} of NARs, ${formatBytes(fileBytes)} to download${missing.length ? `; ${missing.length} missing` : ''}${broken.length ? `; ${broken.length} unusable` : ''}`);
    }
    for (const entry of missing) writeLine(io.stderr, `missing: ${pathOf(entry)}: the cache has no ${entry.hash}.narinfo${because(entry)}`);
    for (const entry of broken) writeLine(io.stderr, `unusable: ${entry.hash}.narinfo: ${entry.row!.error}${because(entry)}`);
    return missing.length || broken.length ? 1 : 0;
  } finally {
    dispose();
    store.close();
    db?.close();
  }
};
