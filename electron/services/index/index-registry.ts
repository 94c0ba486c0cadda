import type { IndexRow, IndexStats } from '../../../shared/api/contract';
import type { IndexCharts, StatsPath, StatsPathKind } from '../../../shared/api/contract-stats';
import { ApiError } from '../../../shared/api/errors';
import type { CacheConfig } from '../../../shared/caches/config';
import type { IndexDb, IndexedPath, PageQuery } from './index-db';
import { indexFile, openCacheIndex } from './index-file';
import { signatureKeyNames } from './path-json';
import { cacheNumbers, largestClosuresOf, plotsOf, statsPathsOf } from './stats';

/**
 * The open index files of the main process, one per cache (by identity, see index-file.ts), kept
 * open: the table reads pages of it many times a second while a refresh writes to it. better-sqlite3
 * is synchronous, so reads and the refresh's batched writes take turns on the one connection.
 */
export class IndexRegistry {
  private readonly open = new Map<string, IndexDb>();

  constructor(
    private readonly dataDir: string,
    private readonly onNotice?: (message: string) => void,
  ) {}

  get(config: CacheConfig): IndexDb {
    if (config.kind === 'http') throw new ApiError('read-only', `An HTTP cache cannot be listed, so it has no index: ${config.url} serves files but no directory of them. Look paths up by hash or store path instead.`);
    const file = indexFile(this.dataDir, config);
    let db = this.open.get(file);
    if (!db) {
      db = openCacheIndex(this.dataDir, config, this.onNotice);
      this.open.set(file, db);
    }
    return db;
  }

  page(config: CacheConfig, query: PageQuery): { rows: IndexRow[]; total: number; refreshedAt?: string } {
    const db = this.get(config);
    const { rows, total } = db.page(query);
    const refreshedAt = db.getMeta('refreshed_at');
    return { rows: rows.map(toIndexRow), total, ...(refreshedAt ? { refreshedAt } : {}) };
  }

  /** The cache's numbers (stats.ts: computed in steps, so a million paths do not hold the main process). */
  async stats(config: CacheConfig): Promise<IndexStats> {
    const db = this.get(config);
    const numbers = await cacheNumbers(db);
    const refreshedAt = db.getMeta('refreshed_at');
    return { ...numbers, ...(refreshedAt ? { refreshedAt } : {}) };
  }

  /** The Stats tab's plots (stats.ts). */
  async charts(config: CacheConfig): Promise<IndexCharts> {
    const db = this.get(config);
    const [{ closures, elapsedMs }, { sizeHistogram, added }] = await Promise.all([largestClosuresOf(db, 20), plotsOf(db)]);
    return { sizeHistogram, added, largestClosures: closures, closuresMs: elapsedMs };
  }

  statsPaths(config: CacheConfig, kind: StatsPathKind, limit = 500): Promise<{ paths: StatsPath[]; total: number }> {
    return statsPathsOf(this.get(config), kind, limit);
  }

  closeAll(): void {
    for (const db of this.open.values()) db.close();
    this.open.clear();
  }
}

export function toIndexRow(row: IndexedPath): IndexRow {
  return {
    hash: row.hash,
    ...(row.storePath !== null ? { storePath: row.storePath } : {}),
    ...(row.name !== null ? { name: row.name } : {}),
    ...(row.narSize !== null ? { narSize: row.narSize } : {}),
    ...(row.fileSize !== null ? { fileSize: row.fileSize } : {}),
    ...(row.compression !== null ? { compression: row.compression } : {}),
    references: row.references.length,
    signers: signatureKeyNames(row.sigs),
    ...(row.lastModified !== null ? { lastModified: row.lastModified } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
  };
}
