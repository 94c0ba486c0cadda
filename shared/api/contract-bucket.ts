import { z } from 'zod';
import { lifecycleRuleSchema, lifecycleStateSchema } from '../bucket/lifecycle-rules';
import { probeResultSchema } from '../bucket/probe';
import { call } from './define';

// The same id rule as contract.ts (not imported from there: contract.ts imports this file).
const cacheRef = z.object({ cacheId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id') });

/** The bucket of an S3 cache itself: a live probe of who can read and write, and its lifecycle rules. */
export const bucketContract = {
  /**
   * Anonymous GETs of nix-cache-info and of a missing narinfo, then a PUT and DELETE of a temporary
   * object with the connection's credentials; each request with a deadline. S3 caches only.
   */
  probe: call(cacheRef, probeResultSchema),
  /** The lifecycle rules: set, none, or not offered by the provider. */
  lifecycle: call(cacheRef, lifecycleStateSchema),
  /**
   * Replaces the lifecycle rules (an empty list removes the configuration). With `previous` (the
   * rules the edit started from), refused as a conflict when the bucket's rules changed meanwhile.
   */
  putLifecycle: call(cacheRef.extend({ rules: z.array(lifecycleRuleSchema).max(1000), previous: z.array(lifecycleRuleSchema).max(1000).optional() }), z.void()),
  /** Removes the lifecycle configuration. */
  deleteLifecycle: call(cacheRef, z.void()),
} as const;
