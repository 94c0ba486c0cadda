import type { CacheConfig } from './config';
import { cacheConfigSchema } from './config';
import { fileUrlToFolder, folderToFileUrl, nixCannotReadBefore210 } from './folder-path';

/**
 * Nix store URLs ⇄ cache configurations.
 *
 * Settings that the Nix manual documents for binary cache stores (and the S3 store in particular) are
 * accepted silently; anything else is kept and reported as a warning, because Nix itself would ignore it
 * with a warning too. A valid URL round-trips exactly, up to parameter order.
 */
export const knownStoreSettings = new Set([
  // S3 store page of the Nix manual
  'region', 'endpoint', 'scheme', 'profile', 'addressing-style', 'storage-class',
  'multipart-upload', 'multipart-chunk-size', 'multipart-threshold', 'buffer-size',
  // binary cache stores in general
  'compression', 'compression-level', 'parallel-compression', 'narinfo-compression', 'ls-compression',
  'log-compression', 'write-nar-listing', 'index-debug-info', 'secret-key', 'secret-keys', 'local-nar-cache',
  'priority', 'want-mass-query', 'trusted', 'store', 'path-info-cache-size', 'system-features', 'real',
  'state', 'log',
]);

/** The settings carried in typed fields of an S3 configuration rather than in `settings`. */
const s3Typed = ['region', 'endpoint', 'scheme', 'profile', 'addressing-style'] as const;

export class StoreUrlError extends Error {
  override name = 'StoreUrlError';
}

export interface ParsedStoreUrl {
  config: CacheConfig;
  warnings: string[];
}

/** Percent-escapes only, as Nix decodes a store URL's query: a `+` is a plus, not a space. */
function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new StoreUrlError(`Bad percent-encoding in ${what}: "${part}".`);
  }
}

/** Only what would break the query string is encoded, so `endpoint=127.0.0.1:7480` stays readable. */
function encode(value: string): string {
  return value.replace(/[%&=#+\s]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

function splitQuery(query: string): Array<[string, string]> {
  if (!query) return [];
  return query.split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), 'a parameter name');
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), `parameter ${key}`);
    return [key, value];
  });
}

export function parseStoreUrl(input: string): ParsedStoreUrl {
  const url = input.trim();
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^?#]*)(?:\?([^#]*))?$/i.exec(url);
  if (!match) throw new StoreUrlError(`"${url}" is not a store URL (expected s3://bucket, file:///path or https://host).`);
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  const params = splitQuery(match[3] ?? '');
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [key] of params) {
    if (seen.has(key)) throw new StoreUrlError(`Parameter "${key}" is given twice.`);
    seen.add(key);
    if (!knownStoreSettings.has(key)) warnings.push(`Unknown setting "${key}" kept as it is; Nix ignores it.`);
  }

  let candidate: unknown;
  if (scheme === 's3') {
    if (!rest || rest.includes('/')) throw new StoreUrlError(`An S3 store URL is s3://BUCKET?settings; got "${url}".`);
    const typed = new Map(params.filter(([k]) => (s3Typed as readonly string[]).includes(k)));
    candidate = {
      kind: 's3',
      bucket: decode(rest, 'the bucket name'),
      region: typed.get('region'),
      endpoint: typed.get('endpoint'),
      scheme: typed.get('scheme'),
      profile: typed.get('profile'),
      addressingStyle: typed.get('addressing-style'),
      settings: params.filter(([k]) => !(s3Typed as readonly string[]).includes(k)),
    };
  } else if (scheme === 'file') {
    let path: string;
    try {
      path = fileUrlToFolder(rest);
    } catch (e) {
      throw new StoreUrlError((e as Error).message);
    }
    if (nixCannotReadBefore210(path)) {
      warnings.push(`Nix 2.9 and older cannot use the folder "${path}" through a file:// URL (they do not decode %-escapes); Nix 2.10 and later can.`);
    }
    candidate = { kind: 'file', path, settings: params };
  } else if (scheme === 'http' || scheme === 'https') {
    candidate = { kind: 'http', url: `${scheme}://${rest}`.replace(/\/+$/, ''), settings: params };
  } else {
    throw new StoreUrlError(`Narwhal manages s3://, file:// and http(s):// caches; "${scheme}://" is not one of them.`);
  }

  const parsed = cacheConfigSchema.safeParse(candidate);
  // Each message of the schema names its field and the bad value, so it is shown as it is.
  if (!parsed.success) throw new StoreUrlError(parsed.error.issues[0]!.message);
  return { config: parsed.data, warnings };
}

export function formatStoreUrl(config: CacheConfig): string {
  let base: string;
  let params: Array<[string, string]>;
  switch (config.kind) {
    case 's3': {
      base = `s3://${config.bucket}`;
      const typed: Array<[string, string | undefined]> = [
        ['region', config.region],
        ['endpoint', config.endpoint],
        ['scheme', config.scheme],
        ['profile', config.profile],
        ['addressing-style', config.addressingStyle],
      ];
      params = [...typed.filter((p): p is [string, string] => p[1] !== undefined), ...config.settings];
      break;
    }
    case 'file':
      base = folderToFileUrl(config.path);
      params = config.settings;
      break;
    case 'http':
      base = config.url;
      params = config.settings;
      break;
  }
  const query = params.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return query ? `${base}?${query}` : base;
}
