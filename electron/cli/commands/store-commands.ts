import { parseArgs } from 'node:util';
import { listPathHashes, resolveNames } from '../../services/browse/list-paths';
import { readCacheInfo } from '../../services/caches/cache-service';
import { resolveDataDir } from '../../services/settings/data-dir';
import type { CacheStore } from '../../services/stores/cache-store';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand, CliIO } from '../io';
import { expectPositionals, writeLine } from '../io';
import { groupDigits, progressLine } from '../progress';
import { storeTarget } from '../store-target';
import { lsLong } from './ls-long';

async function storeFromArgs(argv: string[], io: CliIO): Promise<{ store: CacheStore; json: boolean }> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } }, allowPositionals: true });
  expectPositionals(positionals, ['STORE-URL (or a saved cache\'s name)']);
  const config = await storeTarget(positionals[0]!, resolveDataDir({ flag: values['data-dir'], env: io.env }), io);
  return { store: openStore(config, io.env), json: values.json ?? false };
}

/**
 * Counts the narinfos a store has been asked for, for the progress line, without touching the
 * listing code: every call passes through, `get` also ticks.
 */
function countingGets(store: CacheStore, onGet: () => void): CacheStore {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property === 'get' && typeof value === 'function') {
        return async (...args: unknown[]) => {
          try {
            return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
          } finally {
            onGet();
          }
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `narwhal info STORE-URL|NAME [--json]`: the cache's nix-cache-info fields. */
export const info: CliCommand = async (argv, io) => {
  const { store, json } = await storeFromArgs(argv, io);
  const cacheInfo = await readCacheInfo(store);
  if (json) writeLine(io.stdout, JSON.stringify(cacheInfo));
  else {
    writeLine(io.stdout, `StoreDir: ${cacheInfo.storeDir}`);
    if (cacheInfo.wantMassQuery !== undefined) writeLine(io.stdout, `WantMassQuery: ${cacheInfo.wantMassQuery ? 1 : 0}`);
    if (cacheInfo.priority !== undefined) writeLine(io.stdout, `Priority: ${cacheInfo.priority}`);
  }
  return 0;
};

/** `narwhal ls STORE-URL|NAME [--json]`: the store paths in the cache, sorted, one per line. */
export const ls: CliCommand = async (argv, io) => {
  // With --long: the index, its sizes and signatures (ls-long.ts).
  if (argv.includes('--long')) return lsLong(argv, io);
  const { store, json } = await storeFromArgs(argv, io);
  // On a terminal, a listing of 100 000 narinfos takes a while: say how far it is, on stderr.
  const progress = progressLine(io.stderr);
  let names;
  let entries;
  try {
    progress.update('listing narinfo keys…');
    entries = await listPathHashes(store, { onPage: (listed) => progress.update(`listed ${groupDigits(listed)} narinfo keys…`) });
    const total = groupDigits(entries.length);
    let read = 0;
    const counted = countingGets(store, () => progress.update(`listed ${total} narinfo keys … read ${groupDigits(++read)}/${total} narinfos`));
    names = await resolveNames(counted, entries.map((e) => e.hash), { concurrency: 32 });
  } finally {
    progress.done();
  }
  const rows = [...names].map(([hash, result]) => ({ hash, ...result }));
  const good = rows.filter((r): r is { hash: string; name: string; storePath: string } => 'storePath' in r).sort((a, b) => (a.storePath < b.storePath ? -1 : a.storePath > b.storePath ? 1 : 0));
  const bad = rows.filter((r) => 'error' in r);
  if (json) writeLine(io.stdout, JSON.stringify([...good.map(({ storePath, hash, name }) => ({ storePath, hash, name })), ...bad]));
  else for (const row of good) writeLine(io.stdout, row.storePath);
  for (const row of bad) writeLine(io.stderr, `${row.hash}.narinfo: ${'error' in row ? row.error : ''}`);
  return bad.length ? 1 : 0;
};
