import { z } from 'zod';
import { wireErrorSchema } from './wire-error';

/** Job ids are chosen by the client (so its handle has one at once) and checked unique by the registry. */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not a job id');

export const jobStates = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];
export const isFinished = (state: JobState): boolean => state === 'done' || state === 'failed' || state === 'cancelled';

/**
 * A job as every window sees it: what it is, where it stands, and how it ended. `progress` and `output`
 * have already been parsed with the schemas of the job's kind in the contract (so they hold only what
 * those schemas name); here they are opaque.
 */
export const jobViewSchema = z.object({
  id: jobIdSchema,
  /** The contract method that started it, e.g. `browse.listPaths`. */
  kind: z.string(),
  /** For people: "List the paths of s3://cache". */
  title: z.string(),
  state: z.enum(jobStates),
  /** The input it was started with, as the contract parsed it (page-provided data, never a secret). */
  input: z.unknown(),
  /** The cache it works on (shared/caches/identity.ts), if any. */
  subject: z.string().optional(),
  progress: z.unknown().optional(),
  output: z.unknown().optional(),
  error: wireErrorSchema.optional(),
  /** Milliseconds since the epoch. */
  createdAt: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
});
export type JobView = z.output<typeof jobViewSchema>;
