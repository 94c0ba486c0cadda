import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { addCacheByUrl, expect, profiles, shot, test, ui } from './fixtures';

/**
 * An endpoint that accepts TCP connections and never says a word: what a new user hit, where Test
 * spun for minutes. (e2e/stalling-proxy.ts holds only a listing's second page; this holds everything.)
 */
async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

test('a test against a server that never answers shows the time passing and can be cancelled', async ({ app }) => {
  const silent = await silentServer();
  try {
    await addCacheByUrl(app, 'Silent', `s3://silent-bucket?endpoint=${silent.endpoint}&scheme=http&profile=${profiles.good}`);
    const status = ui.testStatus(app);
    const elapsed = status.getByRole('timer', { name: 'Elapsed' });
    await expect(status).toContainText('Testing the connection…');
    await expect(elapsed).toBeVisible();
    const seconds = async () => Number((await elapsed.innerText()).replace(/\D+/g, ''));
    const first = await seconds();
    await expect.poll(seconds, { timeout: 5_000 }).toBeGreaterThanOrEqual(first + 2);
    await shot(app, 'test-running-elapsed');

    await status.getByRole('button', { name: 'Cancel' }).click();
    await expect(status).toContainText('Cancelled');
    await expect(status).toContainText(/Test cancelled after \d+ s\./);
    await expect(elapsed).toBeHidden();
    await expect(app.getByRole('button', { name: 'Test', exact: true })).toBeEnabled();
    await shot(app, 'test-cancelled');

    // Test again starts a fresh check, which can be cancelled again.
    await app.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(status.getByRole('timer', { name: 'Elapsed' })).toBeVisible();
    await status.getByRole('button', { name: 'Cancel' }).click();
    await expect(status).toContainText('Cancelled');
  } finally {
    await silent.close();
  }
});
