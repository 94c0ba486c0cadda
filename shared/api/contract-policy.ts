import { z } from 'zod';
import { call } from './define';

/**
 * The `policy` group: the bucket policy of an S3 cache, read, replaced and deleted. Checking and
 * simulating a policy are pure code in shared/policy that the page runs itself; only the bucket's
 * answer needs the main process (and the credentials, which stay there).
 */

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');
const cacheRef = z.object({ cacheId: id });

/** Far above AWS's 20 KiB limit for a bucket policy: the server says where its own limit is. */
export const maxPolicyChars = 256 * 1024;

/**
 * A bucket's policy: its JSON text as the server returns it, none yet, or a provider that has no
 * policy API at all (R2, Garage, B2), with a sentence saying so.
 */
export const bucketPolicySchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('policy'), text: z.string() }),
  z.object({ state: z.literal('none') }),
  z.object({ state: z.literal('unsupported'), message: z.string() }),
]);
export type BucketPolicyView = z.output<typeof bucketPolicySchema>;

export const policyContract = {
  get: call(cacheRef, bucketPolicySchema),
  /**
   * Replaces the bucket's policy; a refusal carries the server's reason. With `previous` (the text
   * `get` gave, null for none) a policy someone changed meanwhile is not overwritten: `conflict`.
   */
  put: call(
    cacheRef.extend({
      text: z.string().max(maxPolicyChars, `A bucket policy is at most ${maxPolicyChars} characters here (AWS allows 20 KiB).`),
      previous: z.string().max(maxPolicyChars).nullable().optional(),
    }),
    z.void(),
  ),
  /** Removes the bucket's policy; removing none is not an error. */
  delete: call(cacheRef, z.void()),
} as const;
