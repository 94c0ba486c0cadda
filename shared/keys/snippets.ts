import type { CacheConfig } from '../caches/config';
import { formatStoreUrl } from '../caches/store-url';

/** Settings that only matter to whoever writes to the cache; consumers' substituter URLs leave them out. */
const writerOnlySettings = new Set([
  'secret-key', 'secret-keys', 'compression', 'compression-level', 'parallel-compression', 'narinfo-compression',
  'ls-compression', 'log-compression', 'write-nar-listing', 'index-debug-info', 'multipart-upload', 'multipart-chunk-size',
  'multipart-threshold', 'buffer-size', 'storage-class',
]);

/** The URL consumers put in `substituters`: the cache's store URL without writer-only settings. */
export function substituterUrl(config: CacheConfig): string {
  return formatStoreUrl({ ...config, settings: config.settings.filter(([key]) => !writerOnlySettings.has(key)) });
}

/** The `nix copy --to` URL that signs with the given secret key file. */
export function signingCopyUrl(config: CacheConfig, secretKeyFile: string): string {
  const settings = config.settings.filter(([key]) => key !== 'secret-key' && key !== 'secret-keys');
  return formatStoreUrl({ ...config, settings: [...settings, ['secret-key', secretKeyFile]] });
}

export interface Snippets {
  nixConf: string;
  nixosModule: string;
  flake: string;
  copyCommand: string;
}

const nixString = (s: string) => `"${s.replace(/[\\"$]/g, (c) => (c === '$' ? '\\$' : `\\${c}`))}"`;
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `{ ATTR = { extra-substituters = [...]; extra-trusted-public-keys = [...]; }; }`: NixOS and flakes say it alike. */
function nixAttrSet(attr: string, url: string, publicKey: string): string {
  return [
    '{',
    `  ${attr} = {`,
    `    extra-substituters = [ ${nixString(url)} ];`,
    `    extra-trusted-public-keys = [ ${nixString(publicKey)} ];`,
    '  };',
    '}',
    '',
  ].join('\n');
}

/**
 * Ready-to-paste configuration for a cache and a signing key: how consumers trust it (nix.conf, NixOS,
 * a flake) and how a pusher signs while copying.
 */
export function makeSnippets(config: CacheConfig, publicKey: string, secretKeyFile: string): Snippets {
  const url = substituterUrl(config);
  return {
    nixConf: `extra-substituters = ${url}\nextra-trusted-public-keys = ${publicKey}\n`,
    nixosModule: nixAttrSet('nix.settings', url, publicKey),
    flake: nixAttrSet('nixConfig', url, publicKey),
    copyCommand: `nix copy --to ${shellQuote(signingCopyUrl(config, secretKeyFile))} ./result\n`,
  };
}

/**
 * The nix.conf lines that let a machine substitute from a cache after a push, copy or signing run:
 * the substituter, and the key that signed (none after an unsigned push, whose paths Nix then takes
 * only where require-sigs is off).
 */
export function substituteLines(config: CacheConfig, publicKey: string | undefined): string {
  return publicKey ? makeSnippets(config, publicKey, '').nixConf : `extra-substituters = ${substituterUrl(config)}\n`;
}

/**
 * Nix's naming convention for keys: the cache's host name and a number (`cache.example.org-1`),
 * bumped on rotation. For a bucket on AWS the bucket name stands in for the host.
 */
export function suggestKeyName(config: CacheConfig | undefined, existingNames: readonly string[] = []): string {
  let host = 'narwhal-local';
  if (config?.kind === 's3') host = config.endpoint ? `${config.bucket}.${hostOf(config.endpoint)}` : config.bucket;
  else if (config?.kind === 'http') host = hostOf(config.url);
  for (let n = 1; ; n++) {
    const name = `${host}-${n}`;
    if (!existingNames.includes(name)) return name;
  }
}

function hostOf(endpointOrUrl: string): string {
  const withoutScheme = endpointOrUrl.replace(/^[a-z]+:\/\//i, '');
  return withoutScheme.split(/[/:?]/)[0] || 'cache';
}
