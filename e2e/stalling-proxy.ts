import type { IncomingMessage } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy in front of the real RGW that holds the request for a listing's second page
 * open. The S3 answers are RGW's own (signatures are checked by RGW: the client signs for the proxy's
 * host, which is forwarded unchanged); the proxy only adds the delay a test needs to keep a listing
 * job running while the user walks away from it.
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
  const upstream = new URL(rgwEndpoint);
  let onStalled!: () => void;
  let onAbandoned!: () => void;
  const stalled = new Promise<void>((resolve) => (onStalled = resolve));
  const abandoned = new Promise<void>((resolve) => (onAbandoned = resolve));

  const server = createServer((req, res) => {
    if (isNextPage(req)) {
      onStalled();
      req.socket.once('close', onAbandoned);
      return; // held until the client gives up
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    stalled,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
