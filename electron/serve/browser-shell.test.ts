import { request } from 'node:http';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startNarwhal } from '../services/narwhal';
import type { BrowserShell } from './browser-shell';
import { startBrowserShell } from './browser-shell';

let shell: BrowserShell;
let cookie: string;
let signInResponse: { status: number; headers: Record<string, string | string[] | undefined>; body: string };

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, path, method, headers: { Host: `127.0.0.1:${shell.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the API socket; resolves with the socket when open, or the HTTP status it was refused with. */
function openSocket(headers: Record<string, string>, path = '/api'): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${path}`, { headers });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-shell-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Narwhal</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'do not serve');
  const narwhal = await startNarwhal({ dataDir: join(root, 'data'), shell: 'browser' });
  shell = await startBrowserShell({ narwhal, rendererDir });
  // Sign in once, as the browser does with the printed URL; every later request uses the session cookie.
  const signIn = await get(`/?token=${shell.token}`);
  signInResponse = signIn;
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
});

afterAll(() => shell?.close());

describe('narwhal serve: the browser shell', () => {
  it('binds to loopback and prints a URL with a long random token', () => {
    expect(shell.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${shell.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('refuses requests without the token (401)', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const session = cookie.split('=')[1]!;
    expect((await get('/', { Cookie: `${shell.cookieName}=${session.slice(1)}x` })).status).toBe(401);
    // The token is not a session: a cookie carrying it opens nothing.
    expect((await get('/', { Cookie: `${shell.cookieName}=${shell.token}` })).status).toBe(401);
    expect((await get('/', { Cookie: `narwhal_token_${shell.port}=${shell.token}` })).status).toBe(401);
  });

  it('trades the token for an HttpOnly SameSite=Strict session cookie, named for the port, whose value is not the token', () => {
    expect(signInResponse.status).toBe(303);
    expect(signInResponse.headers.location).toBe('/');
    expect(shell.cookieName).toBe(`narwhal_session_${shell.port}`);
    const setCookie = String(signInResponse.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^narwhal_session_${shell.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`));
    // Another server on 127.0.0.1 that receives this cookie learns nothing that signs in.
    expect(setCookie).not.toContain(shell.token);
  });

  it('refuses the token once it has been traded, saying what to do', async () => {
    const replay = await get(`/?token=${shell.token}`);
    expect(replay.status).toBe(401);
    expect(replay.headers['set-cookie']).toBeUndefined();
    expect(replay.body).toMatch(/already been used/);
    expect(replay.body).toMatch(/restart `narwhal serve`/);
    // The browser that holds the session may open the printed link again: it just goes in, no new cookie.
    const again = await get(`/?token=${shell.token}`, { Cookie: cookie });
    expect(again.status).toBe(303);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('serves the UI with a strict Content-Security-Policy', async () => {
    const res = await get('/', { Cookie: cookie });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Narwhal</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect((await get('/assets/app.js', { Cookie: cookie })).body).toBe('console.log(1)');
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    expect((await get(`/?token=wrong`, { Host: `evil.example:${shell.port}` })).status).toBe(403);
    expect((await get('/', { Host: `127.0.0.1:${shell.port + 1}`, Cookie: cookie })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${shell.port}`, Cookie: cookie })).status).toBe(200);
  });

  it('never serves files outside the UI folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const res = await get(path, { Cookie: cookie });
      expect(res.body).not.toContain('do not serve');
    }
    expect((await get('/', { Cookie: cookie }, 'POST')).status).toBe(405);
  });

  it('accepts the API socket only from its own origin, with the session cookie', async () => {
    const origin = `http://127.0.0.1:${shell.port}`;
    expect(await openSocket({ Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
    expect(await openSocket({ Origin: `http://localhost:${shell.port}`, Cookie: cookie })).toBe(403);
    expect(await openSocket({ Cookie: cookie })).toBe(403);
    expect(await openSocket({ Origin: origin })).toBe(401);
    // Neither the token in the address nor the token as a cookie opens the API: only the session does.
    expect(await openSocket({ Origin: origin }, `/api?token=${shell.token}`)).toBe(401);
    expect(await openSocket({ Origin: origin, Cookie: `${shell.cookieName}=${shell.token}` })).toBe(401);
    expect(await openSocket({ Origin: origin, Host: `evil.example:${shell.port}`, Cookie: cookie })).toBe(403);

    const ws = await openSocket({ Origin: origin, Cookie: cookie });
    expect(ws).toBeInstanceOf(WebSocket);
    const socket = ws as WebSocket;
    const reply = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    socket.send(JSON.stringify({ id: 1, request: { kind: 'call', channel: 'app.info' } }));
    expect(await reply).toMatchObject({ id: 1, response: { ok: true, value: { shell: 'browser' } } });
    const refused = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    socket.send(JSON.stringify({ id: 2, request: { kind: 'call', channel: 'app.info', input: { sneaky: true } } }));
    expect(await refused).toMatchObject({ id: 2, response: { ok: false, error: { code: 'invalid-input' } } });
    socket.close();
  });
});
