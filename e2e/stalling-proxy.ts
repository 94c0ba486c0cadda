import type { IncomingMessage } from 'node:http';
import { startFaultProxy } from '../scripts/testbed/fault-proxy';

/**
 * A pass-through proxy in front of the real RGW that holds the request for a listing's second page
 * open (scripts/testbed/fault-proxy.ts with one rule). The S3 answers are RGW's own; the proxy only
 * adds the delay a test needs to keep a listing job running while the user walks away from it.
 */
export interface StallingProxy {
  /** host:port to use as the S3 endpoint. */
  endpoint: string;
  /** Resolves when a request for a listing's second page arrives (and is held). */
  stalled: Promise<void>;
  /** Resolves when the client closes that held request (its listing was cancelled). */
  abandoned: Promise<void>;
  close(): Promise<void>;
}

const isNextPage = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://proxy').searchParams.has('continuation-token');

export async function startStallingProxy(rgwEndpoint: string): Promise<StallingProxy> {
  let onStalled!: () => void;
  let onAbandoned!: () => void;
  const stalled = new Promise<void>((resolve) => (onStalled = resolve));
  const abandoned = new Promise<void>((resolve) => (onAbandoned = resolve));
  const proxy = await startFaultProxy(rgwEndpoint, {
    decide: (req) => (isNextPage(req) ? 'hold' : 'pass'),
    onHold: () => onStalled(),
    onHeldClosed: () => onAbandoned(),
  });
  return { endpoint: proxy.endpoint, stalled, abandoned, close: () => proxy.close() };
}
