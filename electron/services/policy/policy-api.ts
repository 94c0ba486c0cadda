import type { ImplOf } from '../../../shared/api/define';
import type { NarwhalContract } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import type { CacheService } from '../caches/cache-service';
import { deleteBucketPolicy, readBucketPolicy, writeBucketPolicy } from './bucket-policy';

const kindName = { file: 'a folder cache', http: 'an HTTP cache' } as const;

/** The saved cache's S3 configuration, or a plain refusal for a folder or HTTP cache. */
function s3ConfigOf(caches: CacheService, cacheId: string): S3Config {
  const saved = caches.get(cacheId);
  if (saved.config.kind !== 's3') throw new ApiError('invalid-input', `${saved.name} is ${kindName[saved.config.kind]}: bucket policies belong to S3 buckets.`);
  return saved.config;
}

/** The `policy` API group: each call opens its own S3 client for the cache and closes it after. */
export function policyApi(caches: CacheService, env: NodeJS.ProcessEnv): ImplOf<NarwhalContract>['policy'] {
  return {
    get: async ({ cacheId }, { signal }) => readBucketPolicy(s3ConfigOf(caches, cacheId), env, { signal }),
    put: async ({ cacheId, text, previous }, { signal }) => writeBucketPolicy(s3ConfigOf(caches, cacheId), env, text, { signal, previous }),
    delete: async ({ cacheId }, { signal }) => deleteBucketPolicy(s3ConfigOf(caches, cacheId), env, { signal }),
  };
}
