import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test as base, expect } from '@playwright/test';
import type { RgwInfo } from '../scripts/testbed/rgw';
import type { NarwhalServer } from './narwhal-server';
import { startNarwhalServer } from './narwhal-server';
import { screensDir, testbedEnv } from './paths';

export { expect };

/** The AWS profiles every test's Narwhal can choose from. */
export const profiles = { good: 'narwhal-test', wrongSecret: 'narwhal-wrong-secret' } as const;

interface Fixtures {
  /** Files to put in the data directory before Narwhal starts (e.g. a damaged settings.json). */
  seedDataDir: Record<string, string>;
  /** A fresh folder for this test, removed afterwards. */
  workDir: string;
  narwhal: NarwhalServer;
  /** The page, signed in to this test's Narwhal, with the app drawn. */
  app: Page;
  /** Every message the page sent on its API WebSocket, parsed. */
  sentMessages: Array<{ id?: number; request?: { kind: string; channel?: string; jobId?: string; requestId?: string; input?: unknown } }>;
  /** Every frame the page received on its API WebSocket, as sent: what a secret must never be in. */
  receivedFrames: string[];
}

interface WorkerFixtures {
  testbed: RgwInfo;
}

async function writeAwsFiles(dir: string, rgw: RgwInfo): Promise<{ config: string; credentials: string }> {
  const config = path.join(dir, 'aws-config');
  const credentials = path.join(dir, 'aws-credentials');
  await fs.writeFile(config, `[profile ${profiles.good}]\nregion = ${rgw.region}\n\n[profile ${profiles.wrongSecret}]\nregion = ${rgw.region}\n`);
  await fs.writeFile(
    credentials,
    [
      `[${profiles.good}]`,
      `aws_access_key_id = ${rgw.admin.accessKeyId}`,
      `aws_secret_access_key = ${rgw.admin.secretAccessKey}`,
      '',
      `[${profiles.wrongSecret}]`,
      `aws_access_key_id = ${rgw.admin.accessKeyId}`,
      `aws_secret_access_key = ${'x'.repeat(40)}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { config, credentials };
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  testbed: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const file = process.env[testbedEnv];
      if (!file) throw new Error(`${testbedEnv} is not set: run through e2e/playwright.config.ts, whose global setup starts the RGW.`);
      await use(JSON.parse(await fs.readFile(file, 'utf8')) as RgwInfo);
    },
    { scope: 'worker' },
  ],

  // eslint-disable-next-line no-empty-pattern
  workDir: async ({}, use) => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'narwhal-e2e-'));
    await use(dir);
    await fs.rm(dir, { recursive: true, force: true });
  },

  seedDataDir: [{}, { option: true }],

  narwhal: async ({ workDir, testbed, seedDataDir }, use, testInfo) => {
    const aws = await writeAwsFiles(workDir, testbed);
    const dataDir = path.join(workDir, 'data');
    await fs.mkdir(dataDir, { recursive: true });
    for (const [name, text] of Object.entries(seedDataDir)) await fs.writeFile(path.join(dataDir, name), text);
    const server = await startNarwhalServer({ dataDir, awsConfigFile: aws.config, awsCredentialsFile: aws.credentials });
    await use(server);
    const log = server.log();
    await server.stop();
    // The server's own log explains most failures (an error it logged, a crash).
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('narwhal-serve.log', { body: log, contentType: 'text/plain' });
  },

  sentMessages: async ({ page }, use) => {
    const messages: Fixtures['sentMessages'] = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => messages.push(JSON.parse(String(frame.payload))));
    });
    await use(messages);
  },

  receivedFrames: async ({ page }, use) => {
    const frames: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framereceived', (frame) => frames.push(String(frame.payload)));
    });
    await use(frames);
  },

  app: async ({ page, narwhal, sentMessages, receivedFrames }, use) => {
    void sentMessages;
    void receivedFrames;
    // Every flow runs with the page's API crossing the model of Electron's contextBridge
    // (shared/api/context-bridge-model.ts): what would not reach the desktop app's page fails here.
    await page.addInitScript(() => localStorage.setItem('narwhal.bridgeModel', '1'));
    await page.goto(narwhal.url);
    await expect(page.getByRole('navigation', { name: 'Caches' }).getByRole('button').first()).toBeVisible();
    await use(page);
  },
});

/** Screenshots for people to look at (and for the README): test-results/screens/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screensDir, `${name}.png`) });
}

// Locators by role and name, as a screen reader would find things.
export const ui = {
  sidebar: (page: Page) => page.getByRole('navigation', { name: 'Caches' }),
  cacheButton: (page: Page, name: string) => page.getByRole('navigation', { name: 'Caches' }).getByRole('button', { name: new RegExp(`^${name}`) }),
  title: (page: Page) => page.getByRole('main').getByRole('heading', { level: 1 }),
  testStatus: (page: Page) => page.getByRole('status', { name: 'Test result' }),
  pathCount: (page: Page) => page.getByRole('status', { name: 'Path count' }),
  /** The table of a cache's paths (a grid: its column heads, then a row per path). */
  pathList: (page: Page) => page.getByRole('grid', { name: 'Store paths' }),
  /** The path rows of the table that are in the DOM (not the heads). */
  pathRows: (page: Page) => page.getByRole('grid', { name: 'Store paths' }).locator('.path-table__body').getByRole('row'),
  filter: (page: Page) => page.getByRole('searchbox', { name: 'Filter paths' }),
  selection: (page: Page) => page.getByRole('status', { name: 'Selection' }),
  addDialog: (page: Page) => page.getByRole('dialog', { name: 'Add a cache' }),
};

/** Opens the Add dialog, imports a store URL, saves; returns once the new cache is shown. */
export async function addCacheByUrl(page: Page, name: string, storeUrl: string): Promise<void> {
  await page.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(page);
  await dialog.getByLabel('Import from Nix store URL').fill(storeUrl);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole('button', { name: 'Add cache' }).click();
  await expect(dialog).toBeHidden();
  await expect(ui.title(page)).toHaveText(name);
}

/** Adds a folder cache through the form's Local folder kind. */
export async function addFolderCache(page: Page, name: string, dir: string): Promise<void> {
  await page.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(page);
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole('radio', { name: /Local folder/ }).check();
  await dialog.getByLabel('Folder', { exact: true }).fill(dir);
  await dialog.getByRole('button', { name: 'Add cache' }).click();
  await expect(dialog).toBeHidden();
  await expect(ui.title(page)).toHaveText(name);
}

/** The names shown in the table's rows currently in the DOM, once none is still a placeholder. */
export async function rowNames(list: Locator): Promise<string[]> {
  await expect(list.locator('.path-row__placeholder')).toHaveCount(0);
  return list.locator('.path-table__body').getByRole('row').locator('.path-cell--name').allInnerTexts();
}
