import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addCacheByUrl, expect, profiles, shot, test, ui } from './fixtures';

/** A loopback web server that is not S3: every request gets `answer`. */
async function webServer(answer: { status: number; type?: string; body: string }) {
  const server = createServer((_req, res) => {
    res.writeHead(answer.status, answer.type ? { 'Content-Type': answer.type } : {});
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const servers = [
  { what: 'an ordinary web page', answer: { status: 200, type: 'text/html', body: '<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title></head><body>It works</body></html>' } },
  { what: 'an empty 404', answer: { status: 404, body: '' } },
];

for (const { what, answer } of servers) {
  test(`an endpoint that answers with ${what} is called "not S3", with Edit connection and no Initialise`, async ({ app }) => {
    const server = await webServer(answer);
    try {
      await addCacheByUrl(app, 'Web server', `s3://cache?endpoint=${server.endpoint}&scheme=http&profile=${profiles.good}`);
      const problem = app.getByRole('region', { name: 'Not an S3 server' });
      await expect(problem).toContainText('does not speak S3');
      // No raw SDK text such as "XML parse error" or "$response" reaches the user.
      await expect(problem).not.toContainText(/XML parse|\$response|deserializ/i);
      await expect(problem.getByRole('button', { name: 'Edit connection…' })).toBeVisible();
      // Not offered as the fix (the header's Initialise… stays, as for every cache).
      await expect(problem.getByRole('button', { name: /Initialise/ })).toHaveCount(0);
      await expect(ui.testStatus(app)).toContainText('Not an S3 server');
      if (answer.status === 200) await shot(app, 'not-s3');
    } finally {
      await server.close();
    }
  });
}
