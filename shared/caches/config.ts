import { z } from 'zod';
import { folderPathProblem, normaliseFolderPath } from './folder-path';

/**
 * How Narwhal reaches a cache. The fields a user edits are typed; every other Nix store setting
 * (compression, secret-key, write-nar-listing, ...) is kept verbatim in `settings`, in order, so a
 * store URL survives import and export unchanged.
 *
 * Every error message starts with the field's name (as the form labels it) and says what is wrong
 * with the value in words a person can act on: the form shows it once, under its field, and a pasted
 * store URL shows it alone. None is zod's generic text.
 */
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : String(value));

const setting = z.tuple(
  [
    z.string({ error: 'A store setting needs a name.' }).min(1, 'A store setting needs a name.'),
    z.string({ error: (issue) => `The value of a store setting must be text, not ${shown(issue.input)}.` }),
  ],
  { error: 'Store settings are pairs of a name and a value.' },
);
const settings = z.array(setting, { error: 'Store settings are a list of name and value pairs.' }).default([]);

const bucketRule = 'use lowercase letters, digits, dots and hyphens (underscores on some providers), starting and ending with a letter or digit';

export const s3ConfigSchema = z.object({
  kind: z.literal('s3'),
  bucket: z
    .string({ error: 'Bucket name is missing: an S3 cache needs one.' })
    .min(3, { error: (issue) => `Bucket name ${shown(issue.input)} is too short: a bucket name has 3 to 63 characters.` })
    .max(63, { error: (issue) => `Bucket name ${shown(issue.input)} is too long: a bucket name has 3 to 63 characters.` })
    .regex(/^[a-z0-9][a-z0-9.\-_]*[a-z0-9]$/, { error: (issue) => `Bucket name ${shown(issue.input)} is not valid: ${bucketRule}.` }),
  region: z
    .string({ error: (issue) => `Region must be text such as us-east-1, not ${shown(issue.input)}.` })
    .regex(/^[a-z0-9-]*$/, { error: (issue) => `Region ${shown(issue.input)} is not valid: a region is like us-east-1.` })
    .optional(),
  /** Host[:port] or a full URL of an S3-compatible server; absent means AWS. */
  endpoint: z
    .string({ error: (issue) => `Endpoint must be text such as minio.example.org:9000, not ${shown(issue.input)}.` })
    .min(1, 'Endpoint is empty: leave it out for AWS, or give the host of your S3 server, such as minio.example.org:9000.')
    .regex(/^[^\s]+$/, { error: (issue) => `Endpoint ${shown(issue.input)} contains a space; give a host such as minio.example.org:9000.` })
    .optional(),
  scheme: z.enum(['http', 'https'], { error: (issue) => `scheme must be http or https, not ${shown(issue.input)}.` }).optional(),
  profile: z
    .string({ error: (issue) => `AWS profile must be the name of a profile, not ${shown(issue.input)}.` })
    .min(1, 'AWS profile name is empty: leave it out to use the default credentials.')
    .optional(),
  addressingStyle: z
    .enum(['auto', 'path', 'virtual'], { error: (issue) => `Addressing style must be auto, path or virtual, not ${shown(issue.input)}.` })
    .optional(),
  settings,
});

/** `~` or `~/…`: a path the service expands to the home folder before it checks and saves it. */
export const isHomeRelative = (path: string): boolean => /^~(?:[\\/]|$)/.test(path);

function folderPathSchema(acceptHome: boolean) {
  return z
    .string({ error: (issue) => `Folder path must be text, not ${shown(issue.input)}.` })
    .superRefine((path, ctx) => {
      const problem = acceptHome && isHomeRelative(path) ? undefined : folderPathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(normaliseFolderPath);
}

function fileSchema(acceptHome: boolean) {
  return z.object({ kind: z.literal('file'), path: folderPathSchema(acceptHome), settings });
}

export const fileConfigSchema = fileSchema(false);

export const httpConfigSchema = z.object({
  kind: z.literal('http'),
  url: z
    .string({ error: 'URL is missing: an HTTP cache needs an http:// or https:// URL.' })
    .regex(/^https?:\/\/[^/\s]+/, { error: (issue) => `URL ${shown(issue.input)} is not an http:// or https:// URL, which an HTTP cache needs.` }),
  settings,
});

const kindError = { error: (issue: { input?: unknown }) => `Kind must be s3, file or http, not ${shown((issue.input as { kind?: unknown } | undefined)?.kind)}.` };

/** A saved cache's configuration: what settings hold and the API returns. Folder paths are absolute. */
export const cacheConfigSchema = z.discriminatedUnion('kind', [s3ConfigSchema, fileConfigSchema, httpConfigSchema], kindError);

/**
 * What a page may send to add or edit a cache: the same, except that a folder path may start with
 * `~`, which the service expands to the home folder it knows (the page does not) before saving.
 */
export const cacheConfigInputSchema = z.discriminatedUnion('kind', [s3ConfigSchema, fileSchema(true), httpConfigSchema], kindError);

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
