import { z } from 'zod';
import { call } from './define';

/**
 * The Stats tab's calls, in the `index` group: the plots of a cache's index and the paths behind its
 * numbers (unsigned, NAR missing, unusable). The totals themselves are `index.stats` (contract.ts).
 */

const cacheRef = z.object({ cacheId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id') });

export const statsPathKinds = ['unsigned', 'nar-missing', 'errors'] as const;
export type StatsPathKind = (typeof statsPathKinds)[number];

/** At most this many paths come back for one number; the total says how many there are. */
export const maxStatsPaths = 1000;

export const statsPathSchema = z.object({
  hash: z.string(),
  name: z.string().optional(),
  narSize: z.number().int().optional(),
  /** Where the narinfo says its NAR is. */
  url: z.string().optional(),
  /** Why the narinfo cannot be used. */
  error: z.string().optional(),
});
export type StatsPath = z.output<typeof statsPathSchema>;

export const indexChartsSchema = z.object({
  /** NAR sizes in power-of-two buckets: from <= size < to. */
  sizeHistogram: z.array(z.object({ from: z.number(), to: z.number(), paths: z.number().int(), narBytes: z.number() })),
  /** Paths by the day or week (UTC, weeks from Monday) their narinfo was last modified. */
  added: z.object({
    unit: z.enum(['day', 'week']),
    points: z.array(z.object({ start: z.number(), paths: z.number().int(), narBytes: z.number() })),
  }),
  /** The largest closures by NAR bytes, references followed within the cache. */
  largestClosures: z.array(z.object({ hash: z.string(), name: z.string(), paths: z.number().int(), narBytes: z.number(), fileBytes: z.number() })),
  /** How long the largest closures took to compute, when they were (they are remembered until the index changes). */
  closuresMs: z.number(),
});
export type IndexCharts = z.output<typeof indexChartsSchema>;

export const indexStatsCalls = {
  /** The size histogram, the paths added over time and the largest closures of the cache's index. */
  charts: call(cacheRef, indexChartsSchema),
  /** The first `limit` paths (by name) behind one of the numbers, and how many there are. */
  statsPaths: call(
    cacheRef.extend({ kind: z.enum(statsPathKinds), limit: z.number().int().min(1).max(maxStatsPaths).optional() }),
    z.object({ paths: z.array(statsPathSchema), total: z.number().int() }),
  ),
};
