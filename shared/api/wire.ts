import { z } from 'zod';
import { jobIdSchema } from './jobs';
import type { JobView } from './jobs';
import { wireErrorSchema } from './wire-error';

export { jobIdSchema, wireErrorSchema };

/**
 * The messages both shells carry, whatever the transport (Electron IPC or a WebSocket). Every
 * message is validated against these schemas on arrival, so a compromised page can send nothing
 * the server has not described.
 */
const channel = z.string().regex(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/, 'not a channel name');
/** Chosen by the client per call so it can cancel that call; unique per connection. */
export const requestIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a request id');

export const wireRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), channel, input: z.unknown().optional(), requestId: requestIdSchema.optional() }).strict(),
  z.object({ kind: z.literal('call.cancel'), requestId: requestIdSchema }).strict(),
  z.object({ kind: z.literal('job.start'), channel, jobId: jobIdSchema, input: z.unknown().optional() }).strict(),
]);
export type WireRequest = z.infer<typeof wireRequestSchema>;

export type WireError = z.infer<typeof wireErrorSchema>;

/** Plain data only: it crosses Electron's contextBridge as it is (see context-bridge-model.ts). */
export type WireResponse = { ok: true; value?: unknown } | { ok: false; error: WireError };

/** Pushed events. Job updates are ordinary events (`jobs.updated`), sent to every window. */
export type WireEvent = { kind: 'event'; name: string; payload: unknown };

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The client side of a transport: send one request, get its response; listen to pushed events. */
export interface ClientTransport {
  request(message: WireRequest): Promise<WireResponse>;
  /** Returns the function that stops listening (never a wrapped callback the caller must keep). */
  subscribe(listener: (event: WireEvent) => void): () => void;
  /**
   * For transports that can lose their peer (the browser shell's WebSocket): its state changes. Jobs
   * outlive a lost connection; after a reconnect the client asks for the state of the jobs it follows.
   */
  onState?(listener: (state: ConnectionState) => void): () => void;
}

export type { JobView };
