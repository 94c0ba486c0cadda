// HttpStore against loopback HTTP servers that misbehave on purpose (no RGW needed, but these start
// servers, so they live with the integration tests).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpStore } from './http-store';

const fast = { deadlineMs: 3_000, baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 4, maxTotalMs: 20_000 };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Streams 64 KiB chunks until the client goes away. */
function forever(res: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const write = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', write);
  };
  write();
}

describe('HttpStore', () => {
  it('refuses a narinfo whose Content-Length is over 1 MiB, without reading it', async () => {
    let destroyed = false;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.on('close', () => (destroyed = true));
      forever(res);
    });
    await expect(new HttpStore(url, { retry: fast }).get(`${'a'.repeat(32)}.narinfo`)).rejects.toMatchObject({
      code: 'bad-format',
      message: `${'a'.repeat(32)}.narinfo of ${url} is 52428800 bytes, more than the 1 MiB a narinfo may be; Narwhal did not read it.`,
    });
    // The close reaches the server a moment later (longer on a loaded machine): wait for it, bounded.
    for (let waited = 0; !destroyed && waited < 3_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(destroyed).toBe(true);
  });

  it('stops reading past 1 MiB when the server omits Content-Length or lies about it, and streams for ever', async () => {
    const omits = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/x-nix-narinfo' }); // chunked, no length
      forever(res);
    });
    await expect(new HttpStore(omits, { retry: fast }).get('nix-cache-info')).rejects.toMatchObject({
      code: 'bad-format',
      message: `nix-cache-info of ${omits} is more than 1 MiB, more than the 1 MiB a nix-cache-info file may be; Narwhal did not read it.`,
    });
    // Claims 100 bytes, sends megabytes on a raw socket (Node's own server would refuse to).
    const sockets = new Set<Socket>();
    const liar = createTcpServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024, 'y');
        const write = () => {
          while (!socket.destroyed && socket.write(chunk));
          if (!socket.destroyed) socket.once('drain', write);
        };
        write();
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      liar.close();
    });
    const liarUrl = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
    // fetch trusts Content-Length and stops at 100 bytes: what it hands over is bounded either way.
    const got = await new HttpStore(liarUrl, { retry: fast }).get(`${'b'.repeat(32)}.narinfo`).catch((e: Error) => e);
    expect(got instanceof Error ? (got as { code?: string }).code : (got as Uint8Array).byteLength).toSatisfy((v: unknown) => v === 100 || v === 'bad-format');
  });

  it('fails with "no answer" when the server accepts and never answers, and a cancel stays a cancel', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => {
      sockets.forEach((s) => s.destroy());
      silent.close();
    });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    await expect(new HttpStore(url, { retry: { ...fast, deadlineMs: 400 } }).get('nix-cache-info')).rejects.toMatchObject({
      code: 'unreachable',
      message: `No answer from ${url} within 0.4 s (reading nix-cache-info). The server accepted the connection but did not answer.`,
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(new HttpStore(url, { retry: fast }).get('nix-cache-info', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('streams a NAR, says null for a missing one, and fails a download that stops sending mid-body', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/nar/whole.nar') return void res.writeHead(200).end(Buffer.alloc(3 * 1024 * 1024, 'w'));
      if (req.url === '/nar/stalls.nar') {
        res.writeHead(200, { 'content-length': '1000000' });
        return void res.write(Buffer.alloc(64 * 1024, 's'));
      }
      res.writeHead(404).end();
    });
    const store = new HttpStore(url, { retry: { ...fast, deadlineMs: 400 } });
    const read = async (body: AsyncIterable<Uint8Array> | null) => {
      let n = 0;
      for await (const chunk of body!) n += chunk.byteLength;
      return n;
    };
    expect(await read(await store.getStream('nar/whole.nar'))).toBe(3 * 1024 * 1024);
    expect(await store.getStream('nar/missing.nar')).toBeNull();
    await expect(read(await store.getStream('nar/stalls.nar'))).rejects.toMatchObject({
      code: 'unreachable',
      message: `${url} stopped sending nar/stalls.nar for 0.4 s in the middle of it.`,
    });
  });

  it('retries 503 and 429 answers and dropped connections, then reads; gives up saying it is throttled', async () => {
    let n = 0;
    const url = await serve((req, res) => {
      n += 1;
      if (n === 1) return void res.writeHead(503).end();
      if (n === 2) return void req.socket.destroy();
      if (n === 3) return void res.writeHead(429).end();
      res.writeHead(200, { 'content-length': '21', etag: '"abc"', 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT' }).end('StoreDir: /nix/store\n');
    });
    const store = new HttpStore(url, { retry: fast });
    expect(Buffer.from((await store.get('nix-cache-info'))!).toString()).toBe('StoreDir: /nix/store\n');
    expect(n).toBe(4);
    expect(await store.head('nix-cache-info')).toEqual({ key: 'nix-cache-info', size: 21, etag: '"abc"', lastModified: new Date('2026-12-02T10:00:00Z') });

    const throttling = await serve((_req, res) => void res.writeHead(503).end());
    await expect(new HttpStore(throttling, { retry: fast }).get('nix-cache-info')).rejects.toMatchObject({
      code: 'throttled',
      message: `${throttling} is throttling requests (HTTP 503 for nix-cache-info) (4 attempts), and still was after backing off. Try again later.`,
    });
  });

  it('a server that keeps answering 500 is the server\'s trouble, said plainly (not an internal error of ours)', async () => {
    const url = await serve((_req, res) => void res.writeHead(500).end());
    await expect(new HttpStore(url, { retry: fast }).get('nix-cache-info')).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/nix-cache-info answered HTTP 500 \(\d attempts\): the server is not serving this cache properly/),
    });
  });

  it('reads 404 and 403 as missing, as Nix does, and refuses to write, delete or list', async () => {
    const url = await serve((req, res) => void res.writeHead(req.url === '/a' ? 404 : 403).end());
    const store = new HttpStore(url, { retry: fast });
    expect(await store.get('a')).toBeNull();
    expect(await store.get('b')).toBeNull();
    expect(await store.head('a')).toBeNull();
    await expect(store.delete()).rejects.toMatchObject({ code: 'read-only' });
    await expect(store.deleteMany()).rejects.toMatchObject({ code: 'read-only' });
    await expect(store.list()[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'read-only' });
  });
});
