import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// On machines where Electron's binary cannot be fetched (ours), `npm start` must say why in one line
// and serve the same UI in the browser shell instead.
it('npm start falls back to the browser shell, saying why in one line', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-start-'));
  const child = spawn(process.execPath, ['bin/start.mjs', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, DISPLAY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /Narwhal is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const firstLine = stderr.split('\n')[0]!;
    expect(firstLine).toMatch(/^Narwhal: (Electron's binary is not installed|there is no display).*; starting the browser shell instead\.$/);
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL('/', url), { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  } finally {
    child.kill('SIGTERM');
  }
});
