import { z } from 'zod';
import { call } from './define';

/**
 * The `path` group: one store path of a cache as its page shows it: the narinfo read leniently (every
 * line, every problem with its line), its signatures against a set of trusted public keys the page
 * chooses, its references and referrers, and its closure as a graph. Paths are a full store path, a
 * base name (`<hash>-<name>`) or the bare hash. Only public keys cross: the page sends the ones to
 * trust, nothing secret is read.
 */

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');
const pathRef = z.object({
  cacheId: id,
  path: z.string().trim().min(1, 'Give a store path, base name or hash.').max(4096),
});

/** The most referrers listed (the count is always complete). */
export const maxReferrersShown = 500;

const narinfoLineSchema = z.object({
  line: z.number().int(),
  text: z.string(),
  key: z.string().optional(),
  value: z.string().optional(),
  unknown: z.boolean().optional(),
  problem: z.string().optional(),
  note: z.string().optional(),
});

const narinfoProblemSchema = z.object({ line: z.number().int().optional(), field: z.string().optional(), message: z.string() });

const fieldsSchema = z.object({
  storePath: z.string().optional(),
  url: z.string().optional(),
  compression: z.string().optional(),
  fileHash: z.string().optional(),
  fileSize: z.number().int().optional(),
  narHash: z.string().optional(),
  narSize: z.number().int().optional(),
  references: z.array(z.string()),
  deriver: z.string().optional(),
  sigs: z.array(z.string()),
  ca: z.string().optional(),
});

export const signatureVerdictSchema = z.object({
  sig: z.string(),
  keyName: z.string(),
  result: z.enum(['valid', 'invalid', 'untrusted', 'malformed', 'unverifiable']),
  reason: z.string().optional(),
});
export type SignatureVerdictView = z.output<typeof signatureVerdictSchema>;

const referenceSchema = z.object({
  basename: z.string(),
  hash: z.string(),
  /** self: the path refers to itself (no lookup needed). */
  state: z.enum(['present', 'missing', 'unusable', 'self']),
  error: z.string().optional(),
  narSize: z.number().int().optional(),
});
export type ReferenceView = z.output<typeof referenceSchema>;

export const pathInfoSchema = z.object({
  hash: z.string(),
  /** The narinfo's key in the cache. */
  key: z.string(),
  /** Whether the cache has the narinfo at all. */
  found: z.boolean(),
  /** `<hash>-<name>` when the narinfo (or the request) says. */
  basename: z.string().optional(),
  /** The narinfo's text (absent when not found or unreadable). */
  raw: z.string().optional(),
  lines: z.array(narinfoLineSchema),
  /** Empty: Nix reads this narinfo. */
  problems: z.array(narinfoProblemSchema),
  fields: fieldsSchema,
  signatures: z.array(signatureVerdictSchema),
  /** The trusted keys as understood; a bad one has its problem and is not used. */
  trustedKeys: z.array(z.object({ text: z.string(), name: z.string().optional(), problem: z.string().optional() })),
  accepted: z.boolean(),
  acceptReason: z.string(),
  contentAddressed: z.boolean(),
  /** Each reference, looked up in the cache now. */
  references: z.array(referenceSchema),
  /** Paths of the cache whose References name this one, from its index. */
  referrers: z.object({
    /** False for caches without an index (HTTP): `reason` says why. */
    available: z.boolean(),
    reason: z.string().optional(),
    total: z.number().int(),
    paths: z.array(z.object({ hash: z.string(), basename: z.string() })),
    refreshedAt: z.string().optional(),
  }),
});
export type PathInfoView = z.output<typeof pathInfoSchema>;

export const closureNodeSchema = z.object({
  hash: z.string(),
  basename: z.string(),
  state: z.enum(['present', 'missing', 'unusable']),
  error: z.string().optional(),
  narSize: z.number().int().optional(),
  fileSize: z.number().int().optional(),
  refs: z.array(z.number().int()),
  selfReference: z.boolean().optional(),
});

export const closureSchema = z.object({
  /** `nodes[0]` is the path asked about. */
  nodes: z.array(closureNodeSchema),
  /** index: from the cache's index (the root read afresh); cache: narinfo by narinfo (HTTP, or no index yet). */
  source: z.enum(['index', 'cache']),
  refreshedAt: z.string().optional(),
  /** narinfos read from the cache for this answer. */
  reads: z.number().int(),
});
export type ClosureView = z.output<typeof closureSchema>;

export const pathContract = {
  /** The narinfo, its signatures against `trustedKeys` (public keys, `name:base64`), references and referrers. */
  info: call(pathRef.extend({ trustedKeys: z.array(z.string().max(1000)).max(200) }), pathInfoSchema),
  /** The closure as the cache records it, as a graph (references as indices), missing paths included. */
  closure: call(pathRef, closureSchema),
};
