import { z } from 'zod';
import { errorCodes } from './errors';

/**
 * The messages both shells carry, whatever the transport (Electron IPC or a WebSocket). Every
 * message is validated against these schemas on arrival, so a compromised page can send nothing
 * the server has not described.
 */
const channel = z.string().regex(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/, 'not a channel name');
/** Job ids are chosen by the client so it can listen before the job starts (no lost early events). */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'not a job id');

export const wireRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), channel, input: z.unknown().optional() }).strict(),
  z.object({ kind: z.literal('job.start'), channel, jobId: jobIdSchema, input: z.unknown().optional() }).strict(),
  z.object({ kind: z.literal('job.cancel'), jobId: jobIdSchema }).strict(),
]);
export type WireRequest = z.infer<typeof wireRequestSchema>;

export const wireErrorSchema = z.object({ code: z.enum(errorCodes), message: z.string() });

export type WireResponse = { ok: true; value?: unknown } | { ok: false; error: z.infer<typeof wireErrorSchema> };

export type WireEvent =
  | { kind: 'event'; name: string; payload: unknown }
  | { kind: 'job'; jobId: string; state: 'progress'; progress: unknown }
  | { kind: 'job'; jobId: string; state: 'done'; output: unknown }
  | { kind: 'job'; jobId: string; state: 'failed'; error: z.infer<typeof wireErrorSchema> };

/** The client side of a transport: send one request, get its response; listen to pushed events. */
export interface ClientTransport {
  request(message: WireRequest): Promise<WireResponse>;
  /** Returns the function that stops listening (never a wrapped callback the caller must keep). */
  subscribe(listener: (event: WireEvent) => void): () => void;
  /**
   * For transports that can lose their peer (the browser shell's WebSocket): called when they do. The
   * server cancels the jobs of a peer that went away, so their results will never come.
   */
  onDisconnect?(listener: () => void): () => void;
}
