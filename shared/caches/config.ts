import { z } from 'zod';

/**
 * How Narwhal reaches a cache. The fields a user edits are typed; every other Nix store setting
 * (compression, secret-key, write-nar-listing, ...) is kept verbatim in `settings`, in order, so a
 * store URL survives import and export unchanged.
 */
const setting = z.tuple([z.string().min(1), z.string()]);

export const s3ConfigSchema = z.object({
  kind: z.literal('s3'),
  bucket: z
    .string()
    .min(3, 'A bucket name has 3 to 63 characters.')
    .max(63, 'A bucket name has 3 to 63 characters.')
    .regex(/^[a-z0-9][a-z0-9.\-_]*[a-z0-9]$/, 'A bucket name is lowercase letters, digits, dots, hyphens (and underscores on some providers).'),
  region: z.string().regex(/^[a-z0-9-]*$/, 'A region is like us-east-1.').optional(),
  /** Host[:port] or a full URL of an S3-compatible server; absent means AWS. */
  endpoint: z.string().min(1).optional(),
  scheme: z.enum(['http', 'https']).optional(),
  profile: z.string().min(1).optional(),
  addressingStyle: z.enum(['auto', 'path', 'virtual']).optional(),
  settings: z.array(setting).default([]),
});

export const fileConfigSchema = z.object({
  kind: z.literal('file'),
  path: z.string().regex(/^\//, 'A folder cache needs an absolute path.'),
  settings: z.array(setting).default([]),
});

export const httpConfigSchema = z.object({
  kind: z.literal('http'),
  url: z.string().regex(/^https?:\/\/[^/\s]+/, 'An HTTP cache needs an http:// or https:// URL.'),
  settings: z.array(setting).default([]),
});

export const cacheConfigSchema = z.discriminatedUnion('kind', [s3ConfigSchema, fileConfigSchema, httpConfigSchema]);

export type S3Config = z.output<typeof s3ConfigSchema>;
export type FileConfig = z.output<typeof fileConfigSchema>;
export type HttpConfig = z.output<typeof httpConfigSchema>;
export type CacheConfig = z.output<typeof cacheConfigSchema>;
export type CacheKind = CacheConfig['kind'];

/** Only S3 and folder caches can be written to; an HTTP cache is read-only. */
export const isWritable = (config: CacheConfig): boolean => config.kind !== 'http';

/** A short label for lists: `s3://bucket @ host`, the folder, or the URL. */
export function describeConfig(config: CacheConfig): string {
  switch (config.kind) {
    case 's3':
      return config.endpoint ? `s3://${config.bucket} @ ${config.endpoint}` : `s3://${config.bucket}`;
    case 'file':
      return config.path;
    case 'http':
      return config.url;
  }
}
