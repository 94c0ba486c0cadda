import type { CacheConfig } from '../../../shared/caches/config';
import type { CacheStore } from './cache-store';
import { FileStore } from './file-store';
import { HttpStore } from './http-store';
import type { RetryPolicy } from './retry';
import { S3Store } from './s3-store';

export interface OpenStoreOptions {
  /** Deadlines, attempts and back-off of remote requests; the defaults suit people, tests shorten them. */
  retry?: Partial<RetryPolicy>;
}

export function openStore(config: CacheConfig, env: NodeJS.ProcessEnv = process.env, options: OpenStoreOptions = {}): CacheStore {
  switch (config.kind) {
    case 's3':
      return new S3Store(config, env, options);
    case 'file':
      return new FileStore(config.path);
    case 'http':
      return new HttpStore(config.url, options);
  }
}
