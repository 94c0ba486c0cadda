import { z } from 'zod';
import { call, job } from './define';

/**
 * The `nar` group: what is inside one path's NAR (its files, one file's first bytes), its build log,
 * downloading or extracting it, and checking it against its narinfo. Paths are given as a full store
 * path, a base name (`<hash>-<name>`) or the bare 32-character hash.
 */

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');
const pathRef = z.object({
  cacheId: id,
  path: z.string().trim().min(1, 'Give a store path, base name or hash.').max(4096),
});

/** The most entries one listing sends to the page; a bigger NAR is listed up to here and says so. */
export const maxNarEntriesShown = 100_000;
/** The most bytes of one file a preview shows. */
export const maxPreviewBytes = 64 << 10;
/** The most bytes of a build log the log view shows (the download has all of it). */
export const maxLogBytesShown = 2 << 20;

/** One node of a NAR, in NAR order (a directory before its entries, entries sorted byte-wise). */
export const narEntrySchema = z.object({
  /** `/` for the root, `/bin/hello` below it. Bytes that are not UTF-8 are lone surrogates U+DC80..U+DCFF. */
  path: z.string(),
  type: z.enum(['regular', 'directory', 'symlink']),
  size: z.number().int().optional(),
  executable: z.boolean().optional(),
  target: z.string().optional(),
});
export type NarEntryView = z.output<typeof narEntrySchema>;

export const narListingSchema = z.object({
  storePath: z.string(),
  /** Where the listing came from: the cache's `<hash>.ls` file, or the NAR itself, streamed. */
  source: z.enum(['ls', 'nar']),
  /** Why the NAR was read although a `.ls` exists (it did not parse), and the like. */
  note: z.string().optional(),
  entries: z.array(narEntrySchema),
  /** Nodes in the NAR; more than `entries.length` when the listing was cut at `maxNarEntriesShown`. */
  total: z.number().int(),
  narSize: z.number().int(),
  compression: z.string(),
});
export type NarListingView = z.output<typeof narListingSchema>;

export const narPreviewSchema = z.object({
  file: z.string(),
  type: z.enum(['regular', 'directory', 'symlink']),
  size: z.number().int().optional(),
  executable: z.boolean().optional(),
  target: z.string().optional(),
  /** What the first bytes are: text (shown), binary (NUL bytes or not UTF-8: a hex view), empty. */
  kind: z.enum(['text', 'binary', 'empty', 'none']),
  text: z.string().optional(),
  /** The first bytes as `offset  hex  ascii` lines, for binary files. */
  hex: z.string().optional(),
  /** Bytes read from the file; less than `size` when truncated. */
  shownBytes: z.number().int(),
  truncated: z.boolean(),
});
export type NarPreviewView = z.output<typeof narPreviewSchema>;

export const buildLogSchema = z.discriminatedUnion('status', [
  /** The narinfo has no Deriver (or `unknown-deriver`), so there is no log to look for. */
  z.object({ status: z.literal('no-deriver'), storePath: z.string() }),
  z.object({ status: z.literal('missing'), storePath: z.string(), deriver: z.string(), key: z.string() }),
  z.object({
    status: z.literal('found'),
    storePath: z.string(),
    deriver: z.string(),
    key: z.string(),
    text: z.string(),
    /** Bytes of log text shown (after decompression). */
    shownBytes: z.number().int(),
    truncated: z.boolean(),
    /** How the object was stored when Nix compressed it (`log-compression`), e.g. `xz`. */
    compression: z.string().optional(),
  }),
]);
export type BuildLogView = z.output<typeof buildLogSchema>;

const bytesProgress = z.object({ bytes: z.number().int(), total: z.number().int().optional() });

export const narCheckNames = ['object', 'fileSize', 'fileHash', 'decompress', 'narSize', 'narHash'] as const;
export const narCheckSchema = z.object({
  check: z.enum(narCheckNames),
  status: z.enum(['ok', 'failed', 'skipped']),
  expected: z.string().optional(),
  actual: z.string().optional(),
  /** Where and why it failed, or why it was skipped. */
  detail: z.string().optional(),
});
export type NarCheckView = z.output<typeof narCheckSchema>;

export const integrityProgressSchema = z.object({
  fileBytes: z.number().int(),
  fileSize: z.number().int().optional(),
  narBytes: z.number().int(),
  narSize: z.number().int(),
});
export type IntegrityProgressView = z.output<typeof integrityProgressSchema>;

export const integrityResultSchema = z.object({
  storePath: z.string(),
  url: z.string(),
  compression: z.string(),
  ok: z.boolean(),
  checks: z.array(narCheckSchema),
  elapsedMs: z.number().int(),
});
export type IntegrityResultView = z.output<typeof integrityResultSchema>;

export const narContract = {
  /** The files of a path's NAR: from `<hash>.ls` when the cache has a good one, else from the NAR. */
  listing: call(pathRef, narListingSchema),
  /** The first `maxPreviewBytes` of one file of the NAR, streamed out of it. */
  preview: call(pathRef.extend({ file: z.string().min(1).max(8192) }), narPreviewSchema),
  /** The build log Nix uploaded as `log/<deriver>`, up to `maxLogBytesShown`. */
  buildLog: call(pathRef, buildLogSchema),
  /**
   * Saves the NAR as the cache stores it (`compressed`), decompressed (`nar`), or the build log
   * (`log`), into `folder` (absolute or `~/…`, on the machine Narwhal runs on). An existing file is
   * left alone unless `overwrite`. The bytes are checked against the narinfo before the file appears.
   */
  download: job(
    pathRef.extend({
      what: z.enum(['compressed', 'nar', 'log']),
      folder: z.string().trim().min(1, 'Give a folder to save into.').max(4096),
      overwrite: z.boolean().default(false),
    }),
    bytesProgress,
    z.object({ file: z.string(), bytes: z.number().int(), checked: z.boolean() }),
  ),
  /** Unpacks the NAR with the safe extraction into `target`, which must not exist or be an empty folder. */
  extract: job(
    pathRef.extend({ target: z.string().trim().min(1, 'Give a folder to extract into.').max(4096) }),
    bytesProgress,
    z.object({ target: z.string(), directories: z.number().int(), files: z.number().int(), symlinks: z.number().int(), bytes: z.number().int() }),
  ),
  /** Downloads the NAR and checks FileSize, FileHash, that it decompresses, NarSize and NarHash. */
  verify: job(pathRef, integrityProgressSchema, integrityResultSchema),
} as const;
