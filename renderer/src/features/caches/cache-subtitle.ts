import type { CacheConfig } from '../../../../shared/caches/config';

/**
 * The sidebar's second line under a cache's name: what tells it apart from the others, first, since
 * the line is cut to the sidebar's width. Several connections to one bucket differ by server, region
 * or profile, so those come before the bucket; folders differ at the end of their path, so that is kept.
 * The full store URL is the entry's tooltip.
 */
export function cacheSubtitle(config: CacheConfig): string {
  switch (config.kind) {
    case 's3': {
      // Plain http is named (https is the default), so two connections differing only by scheme differ here too.
      const host = config.endpoint?.replace(/^https:\/\//i, '').replace(/\/+$/, '');
      const where = host ? (config.scheme === 'http' && !/^[a-z]+:\/\//i.test(host) ? `http://${host}` : host) : (config.region ?? 'us-east-1');
      return [where, config.bucket, config.profile && `profile ${config.profile}`].filter(Boolean).join(' · ');
    }
    case 'file': {
      const parts = config.path.split(/[\\/]/).filter(Boolean);
      return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : config.path;
    }
    case 'http':
      return config.url.replace(/^https?:\/\//, '');
  }
}
