import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, test } from './fixtures';
import { repoRoot } from './paths';

/** The installed Electron binary, if its download ever happened on this machine. */
function electronBinary(): string | undefined {
  const dir = path.join(repoRoot, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();

// Where Electron's binary can run, the desktop shell gets the same smoke test the browser shell passes.
test('the desktop app opens the UI from app:// with only the API exposed', async () => {
  test.skip(!binary, "Electron's binary is not installed on this machine (it downloads on first run, which is not possible here); the browser shell carries the UI tests.");
  const app = await electron.launch({
    executablePath: binary!,
    args: [repoRoot, `--data-dir=${await mkdtemp(path.join(os.tmpdir(), 'narwhal-electron-'))}`],
  });
  try {
    const window = await app.firstWindow();
    expect(window.url()).toBe('app://narwhal/index.html');
    await expect(window.getByRole('navigation', { name: 'Caches' })).toBeVisible();
    const exposed = await window.evaluate(() => ({
      api: Object.keys((window as unknown as { narwhal: { api: object } }).narwhal.api),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ api: ['app', 'caches', 'aws', 'keys', 'browse'], require: 'undefined', process: 'undefined' });
  } finally {
    await app.close();
  }
});
