import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CacheConfig } from '../../../shared/caches/config';
import { cacheIdentity } from '../../../shared/caches/identity';
import { IndexDb } from './index-db';

/**
 * Where the index of a cache lives: `<dataDir>/index/<sha256 of its identity>.sqlite`. Keyed by what
 * the cache is (bucket at endpoint, folder, URL), not by its saved name, so the CLI given a store URL
 * and the app given the saved connection share one index, and renaming a connection keeps it.
 */
export function indexFile(dataDir: string, config: CacheConfig): string {
  return join(dataDir, 'index', `${createHash('sha256').update(cacheIdentity(config)).digest('hex')}.sqlite`);
}

/**
 * Opens (or makes) the index of a cache in the data folder. `onNotice` hears when an unusable old
 * index file (another schema version, not a database) was moved aside to start afresh.
 */
export function openCacheIndex(dataDir: string, config: CacheConfig, onNotice?: (message: string) => void): IndexDb {
  const file = indexFile(dataDir, config);
  const { db, movedAside } = IndexDb.open(file);
  if (movedAside) onNotice?.(`The index of ${cacheIdentity(config)} could not be used and was moved aside to ${movedAside}; it is built again.`);
  if (db.getMeta('identity') === undefined) db.setMeta('identity', cacheIdentity(config));
  return db;
}
