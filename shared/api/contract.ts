import { COMPRESSION_METHODS } from '../push/compression';
import { z } from 'zod';
import { cacheConfigInputSchema, cacheConfigSchema } from '../caches/config';
import { indexStatsCalls } from './contract-stats';
import { call, job } from './define';
import { errorCodes } from './errors';
import { jobIdSchema, jobViewSchema } from './jobs';
import { pathContract } from './contract-path';
import { policyContract } from './contract-policy';
import { bucketContract } from './contract-bucket';
import { narContract } from './contract-nar';

/**
 * The one definition of what the renderer may ask of the main process and what it may hear back.
 * The Electron preload, the IPC binding, the browser shell's WebSocket server and the renderer's
 * client are all derived from this object; adding a method here is the only place it is declared.
 *
 * Rule for every output schema: it lists exactly what the page may see. Secrets (signing keys, AWS
 * credentials) have no field here, and the server strips any field a schema does not name.
 */

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');

export const noticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});

export const cacheViewSchema = z.object({
  id,
  name: z.string(),
  config: cacheConfigSchema,
  /** The Nix store URL of this cache (as `nix copy --to` takes it). */
  storeUrl: z.string(),
  writable: z.boolean(),
  /** The folder cache Narwhal made in its data directory on first start. */
  builtIn: z.boolean(),
});
export type CacheView = z.output<typeof cacheViewSchema>;

export const cacheInfoSchema = z.object({
  storeDir: z.string(),
  wantMassQuery: z.boolean().optional(),
  priority: z.number().int().optional(),
});
export type CacheInfo = z.output<typeof cacheInfoSchema>;

export const testResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), info: cacheInfoSchema, elapsedMs: z.number() }),
  z.object({ status: z.literal('problem'), code: z.enum(errorCodes), message: z.string(), elapsedMs: z.number() }),
]);
export type TestResult = z.output<typeof testResultSchema>;

export const profileSchema = z.object({
  name: z.string(),
  region: z.string().optional(),
  kind: z.enum(['static', 'sso', 'process', 'role', 'web-identity', 'other']),
  sources: z.array(z.enum(['config', 'credentials'])),
});
export type AwsProfile = z.output<typeof profileSchema>;

export const pathEntrySchema = z.object({
  /** The 32 nix32 characters of the store path, which is also the narinfo's key. */
  hash: z.string(),
  /** The name part of the store path, when the narinfo has been read. */
  name: z.string().optional(),
});
export type PathEntry = z.output<typeof pathEntrySchema>;

export const keyViewSchema = z.object({
  id,
  name: z.string(),
  /** `name:base64` — the only key material the page ever sees. */
  publicKey: z.string(),
  hasSecret: z.boolean(),
  secretAvailable: z.boolean(),
  encrypted: z.boolean(),
  origin: z.enum(['generated', 'imported']),
  createdAt: z.string(),
});
export type KeyView = z.output<typeof keyViewSchema>;

export const trustedKeySchema = z.object({
  name: z.string(),
  publicKey: z.string(),
  /** A nix.conf path (with line), NIX_CONFIG, "Nix default", or "Narwhal" for the user's own keys. */
  source: z.object({ where: z.string(), line: z.number().int().optional() }),
  setting: z.string(),
  problem: z.string().optional(),
});
export type TrustedKeyView = z.output<typeof trustedKeySchema>;

export const snippetsSchema = z.object({
  nixConf: z.string(),
  nixosModule: z.string(),
  flake: z.string(),
  copyCommand: z.string(),
  /** Set when the copy command names a placeholder path because the secret is not a plain file. */
  copyNote: z.string().optional(),
});

const cacheRef = z.object({ cacheId: id });

/** Columns the index's table sorts on (electron/services/index/index-db.ts has the SQL of each). */
export const indexSortColumns = ['name', 'hash', 'narSize', 'fileSize', 'compression', 'references', 'signatures', 'lastModified'] as const;

/** One path of a cache's index, as its table shows it. */
export const indexRowSchema = z.object({
  hash: z.string(),
  storePath: z.string().optional(),
  name: z.string().optional(),
  narSize: z.number().int().optional(),
  /** The compressed NAR's size: what a client downloads. */
  fileSize: z.number().int().optional(),
  compression: z.string().optional(),
  references: z.number().int(),
  /** Names of the keys that signed it (unchecked here); empty: unsigned. */
  signers: z.array(z.string()),
  /** ms since the epoch, as the cache listed the narinfo. */
  lastModified: z.number().optional(),
  /** Why the narinfo cannot be used (does not parse, too big, describes another path). */
  error: z.string().optional(),
});
export type IndexRow = z.output<typeof indexRowSchema>;

export const indexStatsSchema = z.object({
  /** Paths whose narinfo is usable; `errors` counts the others. */
  paths: z.number().int(),
  narBytes: z.number().int(),
  fileBytes: z.number().int(),
  unsigned: z.number().int(),
  errors: z.number().int(),
  compression: z.array(z.object({ method: z.string(), paths: z.number().int(), narBytes: z.number().int(), fileBytes: z.number().int() })),
  /** Paths carrying a signature by each key name (not checked against any trusted key). */
  signers: z.array(z.object({ key: z.string(), paths: z.number().int() })),
  refreshedAt: z.string().optional(),
  /** When `nar/` was last listed (absent: never, so no NAR is called missing), its files and bytes, and usable narinfos whose NAR is not among them. */
  narsListedAt: z.string().optional(),
  narFiles: z.number().int(),
  narFileBytes: z.number(),
  narMissing: z.number().int(),
});
export type IndexStats = z.output<typeof indexStatsSchema>;

export const indexRefreshProgressSchema = z.object({
  phase: z.enum(['listing', 'reading']),
  /** narinfo keys listed so far. */
  listed: z.number().int(),
  /** New or changed narinfos to read (known once the listing is complete). */
  toRead: z.number().int(),
  /** narinfos read so far. */
  read: z.number().int(),
  /** narinfos read that could not be used (they become rows with their error). */
  errors: z.number().int(),
});

export const indexRefreshSummarySchema = z.object({
  /** narinfo keys in the cache. */
  total: z.number().int(),
  added: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
  unchanged: z.number().int(),
  /** narinfos read (GETs). */
  read: z.number().int(),
  /** Rows with an error, in the whole index. */
  errors: z.number().int(),
  elapsedMs: z.number(),
});
export type IndexRefreshProgress = z.output<typeof indexRefreshProgressSchema>;
export type IndexRefreshSummary = z.output<typeof indexRefreshSummarySchema>;

const jobRef = z.object({ jobId: jobIdSchema });

/** A listing's entries are read in pages of at most this many (a million entries would be 44 MB in one message). */
export const maxPathsPage = 20_000;
const keyRef = z.object({ keyId: id });
const nameSchema = z.string().trim().min(1, 'A cache needs a name.').max(100);
const storePathSchema = z.string().regex(/^\/nix\/store\/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\-._?=]+$/, 'not a store path');

/** The NAR compressions Narwhal writes (one list, in shared/push/compression.ts). */
export const compressionMethods = COMPRESSION_METHODS;

export const localRootSchema = z.object({
  label: z.string(),
  source: z.enum(['home-profile', 'profiles', 'system', 'gc-root']),
  link: z.string(),
  storePath: z.string(),
});

export const closurePathSchema = z.object({
  path: z.string(),
  narSize: z.number().int(),
  /** Whether the selected cache has its narinfo (absent when no cache was asked about). */
  inCache: z.boolean().optional(),
  signatures: z.array(z.string()),
});

export const pushProgressSchema = z.object({
  /** Looking at the closure and the cache, then pushing. */
  phase: z.enum(['closure', 'listing', 'pushing']),
  pathsTotal: z.number().int(),
  pathsDone: z.number().int(),
  narBytesTotal: z.number().int(),
  narBytesRead: z.number().int(),
  fileBytesUploaded: z.number().int(),
});
export type PushProgressView = z.output<typeof pushProgressSchema>;

export const pushSummarySchema = z.object({
  pushed: z.number().int(),
  skipped: z.number().int(),
  narBytes: z.number().int(),
  fileBytes: z.number().int(),
  elapsedMs: z.number().int(),
  /** What a user needs to substitute from the cache: nix.conf lines. */
  substituters: z.string(),
  signedWith: z.string().optional(),
  /** What the user should hear that did not stop the work (incomplete uploads found and aborted). */
  notes: z.array(z.string()).default([]),
});
export type PushSummaryView = z.output<typeof pushSummarySchema>;

export const copyProgressSchema = z.object({
  /** Listing the destination, reading the closure's narinfos from the source, then copying NARs. */
  phase: z.enum(['listing', 'reading', 'copying']),
  listed: z.number().int(),
  narinfosRead: z.number().int(),
  pathsTotal: z.number().int(),
  pathsDone: z.number().int(),
  narBytesTotal: z.number().int(),
  narBytesRead: z.number().int(),
  fileBytesUploaded: z.number().int(),
});
export type CopyProgressView = z.output<typeof copyProgressSchema>;

export const copySummarySchema = z.object({
  copied: z.number().int(),
  skipped: z.number().int(),
  narBytes: z.number().int(),
  fileBytes: z.number().int(),
  elapsedMs: z.number().int(),
  /** The destination's compression when recompressed; absent when the source's bytes were kept. */
  recompressedTo: z.enum(compressionMethods).optional(),
  /** What a user needs to substitute from the destination: nix.conf lines. */
  substituters: z.string(),
  signedWith: z.string().optional(),
  /** What the user should hear that did not stop the work (incomplete uploads found and aborted). */
  notes: z.array(z.string()).default([]),
});
export type CopySummaryView = z.output<typeof copySummarySchema>;

/** A signing run's failures are listed up to this many (a cache of 100 000 broken narinfos must not make one huge message). */
export const maxSignFailuresListed = 100;

export const signProgressSchema = z.discriminatedUnion('phase', [
  /** Following References through the cache's narinfos (the closure option). */
  z.object({ phase: z.literal('closure'), found: z.number().int(), failed: z.number().int() }),
  /** Listing every narinfo (the all option). */
  z.object({ phase: z.literal('listing'), listed: z.number().int() }),
  z.object({
    phase: z.literal('signing'),
    done: z.number().int(),
    total: z.number().int(),
    signed: z.number().int(),
    alreadySigned: z.number().int(),
    failed: z.number().int(),
  }),
]);
export type SignProgressView = z.output<typeof signProgressSchema>;

export const signSummarySchema = z.object({
  signed: z.number().int(),
  alreadySigned: z.number().int(),
  /** Paths looked at: signed + alreadySigned + failedCount. */
  total: z.number().int(),
  /** The first `maxSignFailuresListed` failures, by path; `failedCount` says how many there were. */
  failed: z.array(z.object({ path: z.string(), reason: z.string() })),
  failedCount: z.number().int(),
  /** The public key whose signatures the narinfos now carry. */
  signedWith: z.string(),
  /** nix.conf lines to substitute from the cache with that key trusted. */
  substituters: z.string(),
});
export type SignSummaryView = z.output<typeof signSummarySchema>;

export const contract = {
  app: {
    info: call(
      z.void(),
      z.object({
        version: z.string(),
        shell: z.enum(['electron', 'browser']),
        dataDir: z.string(),
        notices: z.array(noticeSchema),
      }),
    ),
  },
  caches: {
    list: call(z.void(), z.object({ caches: z.array(cacheViewSchema), selectedId: id.nullable() })),
    /** A folder path may start with `~`, which the service expands; saving a bucket, folder or URL twice is a conflict. */
    add: call(z.object({ name: nameSchema, config: cacheConfigInputSchema }), cacheViewSchema),
    update: call(z.object({ cacheId: id, name: nameSchema, config: cacheConfigInputSchema }), cacheViewSchema),
    remove: call(cacheRef, z.void()),
    select: call(cacheRef, z.void()),
    /** Reads nix-cache-info; a failure is a result with a plain message, not an exception. */
    test: call(cacheRef, testResultSchema),
    /** Creates the bucket or folder if missing and writes nix-cache-info. */
    initialise: call(
      // A field left out keeps what an existing nix-cache-info says (or stays unset on a new one).
      cacheRef.extend({ wantMassQuery: z.boolean().optional(), priority: z.number().int().min(0).max(1000).optional() }),
      cacheInfoSchema,
    ),
  },
  aws: {
    profiles: call(z.void(), z.object({ profiles: z.array(profileSchema), configFile: z.string(), credentialsFile: z.string() })),
  },
  keys: {
    list: call(z.void(), z.object({ keys: z.array(keyViewSchema), storage: z.object({ encrypted: z.boolean(), description: z.string() }) })),
    generate: call(z.object({ name: z.string().trim().min(1, 'A key needs a name.').max(200) }), keyViewSchema),
    /** The secret arrives here (pasted or read from a file by the page) and never goes back. */
    importSecret: call(z.object({ text: z.string().min(1).max(4096) }), keyViewSchema),
    importPublic: call(z.object({ text: z.string().min(1).max(4096) }), keyViewSchema),
    remove: call(keyRef, z.void()),
    /**
     * Writes a secret key to a new file (mode 0600, never overwriting; the folder must exist) so the
     * user can keep a copy. The path is absolute or starts with `~/`; the answer is the absolute path
     * written, never the key.
     */
    exportSecret: call(keyRef.extend({ path: z.string().trim().min(1, 'Give the file to save the secret key to.').max(4096) }), z.object({ path: z.string() })),
    /** Keys Nix on this machine trusts (nix.conf and friends) plus the user's own. */
    trusted: call(z.void(), z.object({ keys: z.array(trustedKeySchema), files: z.array(z.object({ path: z.string(), status: z.enum(['read', 'missing', 'error']), message: z.string().optional() })) })),
    snippets: call(cacheRef.extend({ keyId: id }), snippetsSchema),
  },
  jobs: {
    /** Running and recent jobs of every window, newest first. */
    list: call(z.void(), z.object({ jobs: z.array(jobViewSchema) })),
    get: call(jobRef, jobViewSchema),
    cancel: call(jobRef, z.void()),
    /** Removes a finished job from the list. */
    dismiss: call(jobRef, z.void()),
  },
  local: {
    /** What a user would want to push: profiles, the system, GC roots. */
    roots: call(z.void(), z.object({ roots: z.array(localRootSchema), warnings: z.array(z.string()) })),
    /** Store paths whose name contains the query. */
    search: call(z.object({ query: z.string().trim().min(1).max(200), limit: z.number().int().min(1).max(1000).optional() }), z.object({ matches: z.array(z.object({ path: z.string(), name: z.string() })), total: z.number().int() })),
    /** A typed, pasted or dropped path (a `result` link, a file inside a store path) as its store path. */
    resolve: call(z.object({ input: z.string().trim().min(1).max(4096) }), z.object({ storePath: z.string() })),
    /** The closure of some store paths, and which of them the cache has (one listing of it). */
    closure: call(
      z.object({ paths: z.array(storePathSchema).min(1).max(1000), cacheId: id.optional() }),
      z.object({ paths: z.array(closurePathSchema), narSize: z.number().int(), inCache: z.object({ paths: z.number().int(), narSize: z.number().int() }).optional() }),
    ),
  },
  push: {
    /**
     * Pushes the closure of `paths` to a cache. Signs with `keyId`; pushing unsigned needs
     * `unsigned: true`, because Nix clients silently ignore unsigned paths and the user must say so.
     */
    run: job(
      cacheRef.extend({
        paths: z.array(storePathSchema).min(1).max(1000),
        keyId: id.optional(),
        unsigned: z.boolean().optional(),
        compression: z.enum(compressionMethods).default('xz'),
        level: z.number().int().min(0).max(22).optional(),
        /** Write each path's `.ls` listing; absent: as the store URL's `write-nar-listing` says. */
        writeNarListing: z.boolean().optional(),
      }),
      pushProgressSchema,
      pushSummarySchema,
    ),
  },
  copy: {
    /**
     * Copies the closure of `paths` (store paths, base names or hashes) from one saved cache to
     * another, skipping what the destination has. The source's NAR bytes are kept unless
     * `compression` asks for another; `keyId` adds that key's signature to the source's.
     */
    run: job(
      z.object({
        fromCacheId: id,
        toCacheId: id,
        paths: z.array(z.string().trim().min(1).max(4096)).min(1).max(1000),
        closure: z.boolean().default(true),
        compression: z.enum(compressionMethods).optional(),
        level: z.number().int().min(0).max(22).optional(),
        keyId: id.optional(),
      }),
      copyProgressSchema,
      copySummarySchema,
    ),
  },
  sign: {
    /**
     * Adds the signature of `keyId` (a key with its secret) to narinfos already in a cache: the `paths`
     * given (store paths, base names or hashes), with `closure` also every path they refer to as the
     * cache's narinfos record it, or `all` of them. With `trustedKeys` (public keys), only narinfos a
     * valid signature of one of them vouches for are signed.
     */
    run: job(
      cacheRef.extend({
        keyId: id,
        // The input goes out with every progress event of the job: more paths than this is what `all` is for.
        paths: z.array(z.string().trim().min(1).max(4096)).max(1000, 'At most 1,000 paths at once; sign all paths instead.').optional(),
        closure: z.boolean().optional(),
        all: z.boolean().optional(),
        trustedKeys: z.array(z.string().trim().min(1).max(4096)).max(100).optional(),
      }),
      signProgressSchema,
      signSummarySchema,
    ),
  },
  browse: {
    /**
     * Lists the store paths of a cache from its narinfo keys. The entries stay in the main process;
     * the page reads them with `pathsPage` while the job runs and after it ended.
     */
    listPaths: job(
      cacheRef,
      z.object({ listed: z.number().int(), pages: z.number().int() }),
      z.object({ total: z.number().int() }),
    ),
    /** Entries `offset ..< offset + limit` of a listing job's result so far. */
    pathsPage: call(
      jobRef.extend({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(maxPathsPage) }),
      z.object({ entries: z.array(pathEntrySchema), total: z.number().int(), complete: z.boolean() }),
    ),
    /** Reads the narinfos of some paths (the rows on screen) to learn their names. */
    resolveNames: call(
      cacheRef.extend({ hashes: z.array(z.string().regex(/^[0-9a-df-np-sv-z]{32}$/, 'not a store path hash')).max(500) }),
      z.object({
        names: z.record(z.string(), z.union([z.object({ name: z.string() }), z.object({ error: z.string() })])),
      }),
    ),
  },
  index: {
    /**
     * Brings the cache's index (a SQLite file in the data folder, kept between runs and shared with
     * the CLI) up to date: lists every narinfo key and reads only new or changed narinfos. HTTP
     * caches cannot be listed, and say so.
     */
    refresh: job(cacheRef, indexRefreshProgressSchema, indexRefreshSummarySchema),
    /**
     * Rows `offset ..< offset + limit` of the index as it is (even while a refresh runs), filtered by a
     * substring of the name or hash and sorted by a column; `refreshedAt` is absent until a refresh has
     * completed once.
     */
    page: call(
      cacheRef.extend({
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(maxPathsPage),
        filter: z.string().max(200).optional(),
        sort: z.object({ column: z.enum(indexSortColumns), descending: z.boolean().optional() }).optional(),
      }),
      z.object({ rows: z.array(indexRowSchema), total: z.number().int(), refreshedAt: z.string().optional() }),
    ),
    /** Totals of the index as it is: paths, bytes, per compression method, signatures per key name. */
    stats: call(cacheRef, indexStatsSchema),
    ...indexStatsCalls,
  },
  policy: policyContract,
  bucket: bucketContract,
  nar: narContract,
  path: pathContract,
} as const;

export const events = {
  /** The list of saved caches or the selection changed (in any window). */
  'caches.changed': z.object({}),
  /** A job started, progressed (at most about ten times a second) or ended. */
  'jobs.updated': jobViewSchema,
} as const;

export type NarwhalContract = typeof contract;
export type NarwhalEvents = typeof events;
