import { parseArgs } from 'node:util';
import { parseStoreUrl, StoreUrlError } from '../../../shared/caches/store-url';
import { listPathHashes, resolveNames } from '../../services/browse/list-paths';
import { readCacheInfo } from '../../services/caches/cache-service';
import type { CacheStore } from '../../services/stores/cache-store';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand, CliIO } from '../io';
import { UsageError, writeLine } from '../io';

function storeFromArgs(argv: string[], io: CliIO, usage: string): { store: CacheStore; json: boolean } {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(usage);
  let parsed;
  try {
    parsed = parseStoreUrl(positionals[0]!);
  } catch (e) {
    if (e instanceof StoreUrlError) throw new UsageError(e.message);
    throw e;
  }
  for (const warning of parsed.warnings) writeLine(io.stderr, `warning: ${warning}`);
  return { store: openStore(parsed.config, io.env), json: values.json ?? false };
}

/** `narwhal info STORE-URL [--json]`: the cache's nix-cache-info fields. */
export const info: CliCommand = async (argv, io) => {
  const { store, json } = storeFromArgs(argv, io, 'narwhal info STORE-URL [--json]');
  const cacheInfo = await readCacheInfo(store);
  if (json) writeLine(io.stdout, JSON.stringify(cacheInfo));
  else {
    writeLine(io.stdout, `StoreDir: ${cacheInfo.storeDir}`);
    if (cacheInfo.wantMassQuery !== undefined) writeLine(io.stdout, `WantMassQuery: ${cacheInfo.wantMassQuery ? 1 : 0}`);
    if (cacheInfo.priority !== undefined) writeLine(io.stdout, `Priority: ${cacheInfo.priority}`);
  }
  return 0;
};

/** `narwhal ls STORE-URL [--json]`: the store paths in the cache, sorted, one per line. */
export const ls: CliCommand = async (argv, io) => {
  const { store, json } = storeFromArgs(argv, io, 'narwhal ls STORE-URL [--json]');
  const entries = await listPathHashes(store);
  const names = await resolveNames(store, entries.map((e) => e.hash), { concurrency: 32 });
  const rows = [...names].map(([hash, result]) => ({ hash, ...result }));
  const good = rows.filter((r): r is { hash: string; name: string; storePath: string } => 'storePath' in r).sort((a, b) => (a.storePath < b.storePath ? -1 : a.storePath > b.storePath ? 1 : 0));
  const bad = rows.filter((r) => 'error' in r);
  if (json) writeLine(io.stdout, JSON.stringify([...good.map(({ storePath, hash, name }) => ({ storePath, hash, name })), ...bad]));
  else for (const row of good) writeLine(io.stdout, row.storePath);
  for (const row of bad) writeLine(io.stderr, `${row.hash}.narinfo: ${'error' in row ? row.error : ''}`);
  return bad.length ? 1 : 0;
};
