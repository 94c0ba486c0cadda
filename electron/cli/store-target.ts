import type { CacheConfig } from '../../shared/caches/config';
import { parseStoreUrl, StoreUrlError } from '../../shared/caches/store-url';
import { SettingsStore } from '../services/settings/settings-store';
import type { CliIO } from './io';
import { UsageError, writeLine } from './io';

/** `scheme://…`: the argument is a store URL, not the name of a saved cache. */
const looksLikeUrl = (text: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);

/**
 * A saved cache by its name (or id), read from the settings file without starting the cache service:
 * `narwhal ls "My cache"` instead of retyping its store URL.
 */
async function savedCache(nameOrId: string, dataDir: string, io: CliIO): Promise<CacheConfig> {
  const { settings, movedAside } = await new SettingsStore(dataDir).load();
  if (movedAside) writeLine(io.stderr, `warning: ${movedAside.path}: the settings file could not be read (${movedAside.reason}); it was moved aside.`);
  const saved = settings?.caches ?? [];
  const found = saved.find((c) => c.name === nameOrId) ?? saved.find((c) => c.id === nameOrId);
  if (found) return found.config;
  const names = saved.map((c) => JSON.stringify(c.name)).join(', ');
  throw new UsageError(
    `"${nameOrId}" is not a store URL, nor the name of a saved cache in ${dataDir}` +
      (names ? ` (saved caches: ${names})` : ' (it has no saved caches)') +
      '. Give a store URL such as s3://bucket?region=… or file:///path, or a saved name (see narwhal caches).',
  );
}

/**
 * The cache a STORE-URL|NAME argument means: a store URL is parsed (its warnings go to stderr, a bad
 * one is a usage error), anything else is looked up among the saved caches in `dataDir`.
 */
export async function storeTarget(target: string, dataDir: string, io: CliIO): Promise<CacheConfig> {
  if (!looksLikeUrl(target)) return savedCache(target, dataDir, io);
  let parsed;
  try {
    parsed = parseStoreUrl(target);
  } catch (e) {
    if (e instanceof StoreUrlError) throw new UsageError(e.message);
    throw e;
  }
  for (const warning of parsed.warnings) writeLine(io.stderr, `warning: ${warning}`);
  return parsed.config;
}
