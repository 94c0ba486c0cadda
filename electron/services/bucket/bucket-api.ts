import type { ImplOf } from '../../../shared/api/define';
import type { NarwhalContract } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import type { CacheService } from '../caches/cache-service';
import { S3Store } from '../stores/s3-store';
import { deleteLifecycle, readLifecycle, writeLifecycle } from './lifecycle';
import { probeBucket } from './probe';

/** The `bucket` API group: each call opens its own S3 client on the saved connection and closes it. */
export function bucketApi(caches: CacheService, env: NodeJS.ProcessEnv): ImplOf<NarwhalContract>['bucket'] {
  const s3Config = (cacheId: string): S3Config => {
    const saved = caches.get(cacheId);
    if (saved.config.kind !== 's3') throw new ApiError('invalid-input', `${saved.name} is not an S3 cache: bucket probes and lifecycle rules are for S3 buckets.`);
    return saved.config;
  };
  const withStore = async <T>(cacheId: string, run: (store: S3Store) => Promise<T>): Promise<T> => {
    const store = new S3Store(s3Config(cacheId), env);
    try {
      return await run(store);
    } finally {
      store.close();
    }
  };
  return {
    probe: ({ cacheId }, { signal }) => probeBucket(s3Config(cacheId), env, { signal }),
    lifecycle: ({ cacheId }, { signal }) => withStore(cacheId, (store) => readLifecycle(store, { signal })),
    putLifecycle: ({ cacheId, rules, previous }, { signal }) => withStore(cacheId, (store) => writeLifecycle(store, rules, { signal, previous })),
    deleteLifecycle: ({ cacheId }, { signal }) => withStore(cacheId, (store) => deleteLifecycle(store, { signal })),
  };
}
