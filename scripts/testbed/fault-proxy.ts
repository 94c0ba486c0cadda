// A pass-through HTTP proxy in front of the real RGW that injects the faults a test asks for: S3
// error answers (503 SlowDown, 501 NotImplemented ...), dropped connections, and requests held open
// without an answer. Every answer it does not inject is RGW's own: the client signs for the proxy's
// host, which is forwarded unchanged, so RGW checks the signatures as usual.
import type { IncomingMessage } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do with one request. */
export type Fault =
  | 'pass'
  /** Close the connection without an answer (the client sees ECONNRESET / "socket hang up"). */
  | 'drop'
  /** Keep the request open and never answer. */
  | 'hold'
  /** Answer with an S3 error of this status and code, as an S3 server words it. */
  | { status: number; code: string; message?: string };

export const slowDown: Fault = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
export const notImplemented: Fault = { status: 501, code: 'NotImplemented', message: 'A header you provided implies functionality that is not implemented.' };

export interface FaultProxyOptions {
  /** Decides per request; `n` counts requests from 1. Default: pass everything. */
  decide?: (req: IncomingMessage, n: number) => Fault;
  /** Called when a request is held. */
  onHold?: (req: IncomingMessage) => void;
  /** Called when the client closes a held request (it gave up or was cancelled). */
  onHeldClosed?: (req: IncomingMessage) => void;
}

export interface FaultProxy {
  /** host:port to use as the S3 endpoint. */
  endpoint: string;
  /** http://host:port */
  url: string;
  /** Requests seen, and how many got a fault instead of RGW's answer. */
  readonly requests: number;
  readonly faults: number;
  /** Replaces the decision function (e.g. stop injecting). */
  setDecide(decide: (req: IncomingMessage, n: number) => Fault): void;
  close(): Promise<void>;
}

/**
 * A decision that injects `fault` into the first `count` requests `matching` (all by default), then
 * passes everything: "succeeds after N faults" tests.
 */
export function firstFaults(count: number, fault: Fault | ((n: number) => Fault), matching: (req: IncomingMessage) => boolean = () => true): (req: IncomingMessage) => Fault {
  let injected = 0;
  return (req) => {
    if (injected >= count || !matching(req)) return 'pass';
    injected += 1;
    return typeof fault === 'function' ? fault(injected) : fault;
  };
}

function s3ErrorBody(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
}

export async function startFaultProxy(upstreamUrl: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let decide = options.decide ?? (() => 'pass' as const);
  let requests = 0;
  let faults = 0;

  const server = createServer((req, res) => {
    requests += 1;
    const fault = decide(req, requests);
    if (fault !== 'pass') faults += 1;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hold') {
      options.onHold?.(req);
      req.socket.once('close', () => options.onHeldClosed?.(req));
      return; // held until the client gives up
    }
    if (typeof fault === 'object') {
      const requestId = `fault-proxy-${requests}`;
      const body = req.method === 'HEAD' ? '' : s3ErrorBody(fault.code, fault.message ?? fault.code, requestId);
      // Read the request body first, as a server does, so the client is not cut off mid-upload.
      req.resume();
      req.once('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get faults() {
      return faults;
    },
    setDecide(next) {
      decide = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
