import http from 'node:http';
import WebSocket from 'ws';
import { expect, test } from './fixtures';

/** A plain HTTP GET with chosen headers; browsers would not let a test forge Host. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; setCookie?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers['set-cookie']?.join('\n') }));
    });
    req.on('error', reject);
  });
}

/** Opens a WebSocket and reports the HTTP status of the upgrade: 101 when accepted. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

test.describe('the browser shell refuses strangers', () => {
  test('a request without the token gets 401', async ({ narwhal }) => {
    const page = await get(`${narwhal.origin}/`);
    expect(page.status).toBe(401);
    expect(page.body).toMatch(/open the URL that `narwhal serve` printed/);
    expect((await get(`${narwhal.origin}/?token=wrong`)).status).toBe(401);
    // The right token is traded for a cookie and dropped from the address.
    const signIn = await get(narwhal.url);
    expect(signIn.status).toBe(303);
  });

  test('the browser gets a session cookie that is not the token, and the sign-in link works only once', async ({ app, narwhal, browser }) => {
    // `app` opened the printed URL, as a user would; the UI is up, so the session works on the WebSocket.
    const cookies = await app.context().cookies(narwhal.origin);
    expect(cookies.map((c) => c.name)).toEqual([`narwhal_session_${narwhal.port}`]);
    const [session] = cookies;
    expect(session!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session!.value).not.toBe(narwhal.token);
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(new URL(app.url()).search).toBe('');

    // The same link, replayed from anywhere else (a second browser, a copied shell history), is refused.
    const other = await browser.newContext();
    const replay = await (await other.newPage()).goto(narwhal.url);
    expect(replay!.status()).toBe(401);
    expect(await replay!.text()).toMatch(/already been used.*restart `narwhal serve`/s);
    expect(await other.cookies(narwhal.origin)).toEqual([]);
    await other.close();
  });

  test('a WebSocket needs the session cookie from its own Origin: 403 for a foreign one, 401 for the token', async ({ narwhal }) => {
    const signIn = await get(narwhal.url);
    const cookie = signIn.setCookie!.split(';')[0]!;
    const api = `ws://127.0.0.1:${narwhal.port}/api`;
    expect(await upgradeStatus(api, { Origin: 'http://evil.example', Cookie: cookie })).toBe(403);
    expect(await upgradeStatus(api, { Origin: `http://localhost:${narwhal.port + 1}`, Cookie: cookie })).toBe(403);
    expect(await upgradeStatus(api, { Origin: narwhal.origin })).toBe(401);
    // The token opens no socket, in the address or as a cookie value.
    expect(await upgradeStatus(`${api}?token=${narwhal.token}`, { Origin: narwhal.origin })).toBe(401);
    expect(await upgradeStatus(api, { Origin: narwhal.origin, Cookie: `narwhal_session_${narwhal.port}=${narwhal.token}` })).toBe(401);
    // The control: the page's own origin with the session cookie gets in.
    expect(await upgradeStatus(api, { Origin: narwhal.origin, Cookie: cookie })).toBe(101);
  });

  test('a wrong Host header is refused (DNS rebinding)', async ({ narwhal }) => {
    const page = await get(narwhal.url, { Host: `rebind.example:${narwhal.port}` });
    expect(page.status).toBe(403);
    expect(page.body).toMatch(/DNS rebinding/);
    expect((await get(narwhal.url, { Host: `127.0.0.1:${narwhal.port + 1}` })).status).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${narwhal.port}/api?token=${narwhal.token}`, { Host: `rebind.example:${narwhal.port}`, Origin: `http://rebind.example:${narwhal.port}` })).toBe(403);
  });
});
