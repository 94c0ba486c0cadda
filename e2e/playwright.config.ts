import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { resultsDir } from './paths';

// Playwright cannot download browsers here; Debian's Chromium drives `narwhal serve` instead.
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Its own folder: Playwright empties outputDir on start, and test-results/ holds other stages' reports.
  outputDir: path.join(resultsDir, 'e2e-output'),
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: path.join(resultsDir, 'e2e.json') }]],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
});
