import type { CacheConfig } from './config';

/**
 * What a cache *is*, as opposed to what the user called it: the bucket at its endpoint, the folder,
 * or the URL. Anything derived from a cache's contents (a listing, an index, a job's subject) is keyed
 * by this, so editing a saved connection to point at another bucket never reuses the old bucket's data,
 * while renaming it, or changing a setting that does not change where objects live (a profile, the
 * compression), keeps it.
 */
export function cacheIdentity(config: CacheConfig): string {
  switch (config.kind) {
    case 's3':
      return `s3 ${endpointOf(config.endpoint, config.scheme)} ${config.bucket}`;
    case 'file':
      return `file ${config.path}`;
    case 'http':
      return `http ${config.url.replace(/\/+$/, '')}`;
  }
}

/** Nix's rule: `endpoint` is a host (or a URL), `scheme` its protocol (https unless said). */
function endpointOf(endpoint: string | undefined, scheme: string | undefined): string {
  if (!endpoint) return 'aws';
  const url = /^[a-z]+:\/\//i.test(endpoint) ? endpoint : `${scheme ?? 'https'}://${endpoint}`;
  return url.replace(/\/+$/, '').toLowerCase();
}
