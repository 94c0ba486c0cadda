import http from 'node:http';
import WebSocket from 'ws';
import { expect, test } from './fixtures';

/** A plain HTTP GET with chosen headers; browsers would not let a test forge Host. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
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

  test('a WebSocket from a foreign Origin is refused with 403, even with the token', async ({ narwhal }) => {
    const api = `ws://127.0.0.1:${narwhal.port}/api?token=${narwhal.token}`;
    expect(await upgradeStatus(api, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(api, { Origin: `http://localhost:${narwhal.port + 1}` })).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${narwhal.port}/api`, { Origin: narwhal.origin })).toBe(401);
    // The control: the page's own origin with the token gets in.
    expect(await upgradeStatus(api, { Origin: narwhal.origin })).toBe(101);
  });

  test('a wrong Host header is refused (DNS rebinding)', async ({ narwhal }) => {
    const page = await get(narwhal.url, { Host: `rebind.example:${narwhal.port}` });
    expect(page.status).toBe(403);
    expect(page.body).toMatch(/DNS rebinding/);
    expect((await get(narwhal.url, { Host: `127.0.0.1:${narwhal.port + 1}` })).status).toBe(403);
    expect(await upgradeStatus(`ws://127.0.0.1:${narwhal.port}/api?token=${narwhal.token}`, { Host: `rebind.example:${narwhal.port}`, Origin: `http://rebind.example:${narwhal.port}` })).toBe(403);
  });
});
