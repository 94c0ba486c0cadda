import fs from 'node:fs/promises';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { reapStaleTestbeds, startRgw, stopRgwSync } from '../scripts/testbed/rgw';
import { resultsDir, testbedEnv } from './paths';

/**
 * One Ceph RGW for the whole run (it takes a few seconds to start); each test makes its own buckets
 * and its own `narwhal serve` with a fresh data directory, so tests do not see each other's caches.
 * The renderer is not built here: `npm run build:renderer` runs before Playwright.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  await reapStaleTestbeds().catch(() => []);
  const rgw = await startRgw();
  const info = rgw.info();
  // A dying runner must not leave Ceph daemons behind.
  const onExit = () => stopRgwSync(info);
  process.once('exit', onExit);
  await fs.mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'e2e-testbed.json');
  await fs.writeFile(file, JSON.stringify(info, null, 2));
  process.env[testbedEnv] = file;
  return async () => {
    process.removeListener('exit', onExit);
    await rgw.stop();
    await fs.rm(file, { force: true });
  };
}
