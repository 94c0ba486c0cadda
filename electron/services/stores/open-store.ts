import type { CacheConfig } from '../../../shared/caches/config';
import type { CacheStore } from './cache-store';
import { FileStore } from './file-store';
import { HttpStore } from './http-store';
import { S3Store } from './s3-store';

export function openStore(config: CacheConfig, env: NodeJS.ProcessEnv = process.env): CacheStore {
  switch (config.kind) {
    case 's3':
      return new S3Store(config, env);
    case 'file':
      return new FileStore(config.path);
    case 'http':
      return new HttpStore(config.url);
  }
}
