import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CacheConfig } from '../../../shared/caches/config';
import { cacheIdentity } from '../../../shared/caches/identity';

/**
 * Where the index of a cache lives: `<dataDir>/index/<sha256 of its identity>.sqlite`. Keyed by what
 * the cache is (bucket at endpoint, folder, URL), not by its saved name, so the CLI given a store URL
 * and the app given the saved connection share one index, and renaming a connection keeps it.
 */
export function indexFile(dataDir: string, config: CacheConfig): string {
  return join(dataDir, 'index', `${createHash('sha256').update(cacheIdentity(config)).digest('hex')}.sqlite`);
}
