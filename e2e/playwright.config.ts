import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { resultsDir } from './paths';

// The AWS SDK warns once per process under Node < 22 that its 2027 releases will need Node 22; the
// tests' own S3 clients (test-bed set-up, checks) would print it in every worker of every run. The
// narwhal command turns it off itself (electron/cli/main.ts), and sdk-warning.test.ts checks that.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
