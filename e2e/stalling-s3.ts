import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in S3 endpoint whose listing never finishes: it serves nix-cache-info and the first page of
 * a listing, then holds the request for the second page open until the client gives up. It exists
 * for one thing the real RGW cannot do on demand: keep a listing job running for as long as a test
 * needs, to see that leaving the cache cancels it (the held request is closed by the client).
 * Everything about S3 itself is tested against the RGW.
 */
export interface StallingS3 {
  endpoint: string;
  bucket: string;
  /** Keys on the first page. */
  firstPage: string[];
  /** Resolves when a request for the second page arrives. */
  stalled: Promise<void>;
  /** Resolves when the client closes that request (its listing was cancelled). */
  abandoned: Promise<void>;
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export async function startStallingS3(bucket: string, firstPage: string[]): Promise<StallingS3> {
  let onStalled!: () => void;
  let onAbandoned!: () => void;
  const stalled = new Promise<void>((resolve) => (onStalled = resolve));
  const abandoned = new Promise<void>((resolve) => (onAbandoned = resolve));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname === `/${bucket}/nix-cache-info`) {
      const body = 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n';
      res.writeHead(200, { 'Content-Type': 'text/x-nix-cache-info', 'Content-Length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    if ((url.pathname === `/${bucket}` || url.pathname === `/${bucket}/`) && url.searchParams.get('list-type') === '2') {
      if (url.searchParams.has('continuation-token')) {
        onStalled();
        req.socket.once('close', onAbandoned);
        return; // never answered
      }
      const contents = firstPage.map((key) => `<Contents><Key>${xml(key)}</Key><Size>100</Size><StorageClass>STANDARD</StorageClass></Contents>`).join('');
      const body = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix></Prefix><KeyCount>${firstPage.length}</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><NextContinuationToken>page-2</NextContinuationToken>${contents}</ListBucketResult>`;
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>not here</Message></Error>`;
    res.writeHead(404, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `127.0.0.1:${port}`,
    bucket,
    firstPage,
    stalled,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
