import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Narwhal } from '../services/narwhal';
import { loadAsset, securityHeaders } from '../services/ui/static-assets';

export interface BrowserShellOptions {
  narwhal: Narwhal;
  rendererDir: string;
  /** 127.0.0.1 unless the user asked for another address. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The one-time sign-in token in the printed URL. Fixed only in tests; otherwise 32 random bytes. */
  token?: string;
  log?: (line: string) => void;
}

export interface BrowserShell {
  url: string;
  origin: string;
  port: number;
  /** The one-time sign-in token (works once; then only the session cookie does). */
  token: string;
  /** The session cookie's name, bound to this port: `narwhal_session_PORT`. */
  cookieName: string;
  close(): Promise<void>;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
const maxMessageBytes = 16 * 1024 * 1024;

function sameSecret(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * `narwhal serve`: the same UI and API as the desktop app, in any browser, for headless build hosts.
 *
 * Three locks, all checked on every request:
 * - Host header: only `127.0.0.1:PORT`, `localhost:PORT` (and the --host address) — a page on another
 *   site whose DNS name was rebound to 127.0.0.1 sends its own name and is refused.
 * - Session: the printed URL carries a random one-time token. The first visit trades it for a session
 *   cookie with a different random value, named for this port (`narwhal_session_PORT`), HttpOnly,
 *   SameSite=Strict. Cookies are not isolated by port, so any other server on 127.0.0.1 the browser
 *   visits receives this cookie too: giving it a value distinct from the token, and burning the token
 *   on the trade, means a leaked cookie never reveals a working sign-in link, and a sign-in link seen
 *   later (shell history, a screenshot) no longer opens a session. No session, no page, no API (401).
 * - Origin: a WebSocket upgrade must come from the page we served (403 otherwise), since browsers let
 *   any site open a WebSocket to localhost.
 */
export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const log = options.log ?? (() => undefined);
  let port = options.port ?? 0;
  const cookieName = () => `narwhal_session_${port}`;
  // Set once, when the token is traded; from then on the token is refused.
  let session: string | undefined;

  const allowedHosts = () => {
    const names = new Set(loopbackHosts);
    names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    return new Set([...names].map((name) => `${name}:${port}`));
  };
  const hostAllowed = (req: IncomingMessage) => allowedHosts().has(String(req.headers.host ?? '').toLowerCase());
  const hasSession = (req: IncomingMessage) => session !== undefined && sameSecret(cookieValue(req.headers.cookie, cookieName()), session);

  const refuse = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...securityHeaders([]) });
    res.end(message + '\n');
  };

  const redirectHome = (res: ServerResponse, setCookie?: string) => {
    res.writeHead(303, { Location: '/', 'Cache-Control': 'no-store', ...(setCookie ? { 'Set-Cookie': setCookie } : {}) });
    res.end();
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return refuse(res, 403, `Refused: Host "${req.headers.host ?? ''}" is not this server (DNS rebinding protection).`);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const given = url.searchParams.get('token');
    if (given !== null) {
      // Opening the printed link again in the browser that already has the session: just go in.
      if (hasSession(req)) return redirectHome(res);
      if (!sameSecret(given, token)) return refuse(res, 401, 'Narwhal: open the URL that `narwhal serve` printed (it carries the access token).');
      if (session !== undefined) {
        return refuse(res, 401, 'Narwhal: this sign-in link has already been used, and works only once. Use the browser tab where Narwhal is already open, or restart `narwhal serve` for a new link.');
      }
      if (req.method !== 'GET') return refuse(res, 405, 'Only GET is served here; the API is on the WebSocket.');
      // Trade the token in the address bar for a session cookie, and drop it from the URL and history.
      session = randomBytes(32).toString('base64url');
      return redirectHome(res, `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`);
    }
    if (!hasSession(req)) return refuse(res, 401, 'Narwhal: open the URL that `narwhal serve` printed (it carries the access token).');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET is served here; the API is on the WebSocket.');
    const asset = await loadAsset(options.rendererDir, url.pathname);
    if (!asset) return refuse(res, 404, `Not found: ${url.pathname}`);
    res.writeHead(200, {
      'Content-Type': asset.contentType,
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
      ...securityHeaders([`ws://${req.headers.host}`]),
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log(`request failed: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req)) return reject(403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== '/api') return reject(404, 'Not Found');
    if (req.headers.origin !== `http://${req.headers.host}`) return reject(403, 'Forbidden');
    // Only the session cookie opens the API; the sign-in token never does.
    if (!hasSession(req)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = options.narwhal.server.connect((event) => ws.send(JSON.stringify({ event })));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text only');
        let message: { id?: unknown; request?: unknown };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          return ws.close(1007, 'not JSON');
        }
        if (typeof message.id !== 'number') return ws.close(1008, 'no request id');
        const id = message.id;
        void connection.handle(message.request).then((response) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, response }));
        });
      });
      ws.on('close', () => connection.close());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = loopbackHosts.has(host) || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${urlHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    cookieName: cookieName(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
