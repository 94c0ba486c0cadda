import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shot, test } from './fixtures';
import { jobsPanel } from './flows';
import { baseNameOf, makeNixBucket, type NixBucket } from './nix-bucket';

const nameOf = (storePath: string) => baseNameOf(storePath).slice(33);

async function openPathTab(app: Page, bucket: NixBucket, storePath: string, tab: '' | '/files' | '/log'): Promise<void> {
  await bucket.addToApp(app);
  await expect(app).toHaveURL(/#\/caches\/[^/]+/);
  const cacheId = decodeURIComponent(/#\/caches\/([^/]+)/.exec(app.url())![1]!);
  await app.evaluate((hash) => (window.location.hash = hash), `#/caches/${cacheId}/paths/${baseNameOf(storePath)}${tab}`);
  await expect(app.getByRole('heading', { level: 2, name: nameOf(storePath) })).toBeVisible();
}

const files = (app: Page) => app.getByRole('tree', { name: 'Files' });
const item = (app: Page, name: string) => files(app).getByRole('treeitem', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });
const preview = (app: Page) => app.getByRole('region', { name: 'Preview' });

for (const narListing of [true, false]) {
  test(`the files of a NAR that real Nix wrote are listed and previewed ${narListing ? 'from its .ls listing' : 'from the NAR itself (no .ls)'}`, async ({ app, testbed, workDir }) => {
    const bucket = await makeNixBucket(testbed, workDir, { label: narListing ? 'files-ls' : 'files-nar', narListing, compression: narListing ? 'xz' : 'zstd' });
    const leaf = bucket.paths.leaf;
    expect(bucket.keys.some((k) => k.endsWith('.ls'))).toBe(narListing);
    await openPathTab(app, bucket, leaf, '/files');

    await expect(app.getByLabel('Listing source')).toContainText(narListing ? "from the cache's .ls listing" : 'read from the NAR itself (zstd-compressed), no .ls listing in the cache');
    await expect(app.getByLabel('Listing source')).toContainText('7 entries');
    // The root is open: its entries, sorted as in the NAR, folders with a slash.
    await expect(files(app).getByRole('treeitem')).toHaveCount(4);
    await expect(item(app, 'bin/')).toHaveAttribute('aria-expanded', 'false');
    await expect(item(app, 'link')).toContainText('→ share/data.txt');

    // Mouse: open share/, show data.txt, whose text is the file's in /nix/store.
    await item(app, 'share/').click();
    await expect(item(app, 'share/')).toHaveAttribute('aria-expanded', 'true');
    await item(app, 'data.txt').click();
    await expect(preview(app).getByLabel('File contents')).toHaveText(await fs.readFile(path.join(leaf, 'share/data.txt'), 'utf8'));
    await item(app, 'blob.bin').click();
    await expect(preview(app)).toContainText('Binary file, 10 bytes');
    await expect(preview(app).getByLabel('Hex view')).toContainText('00 01 02 62 69 6e 61 72 79 ff');

    // Keyboard: from the top, down to bin/, open it, down to hello, Enter shows it.
    await files(app).focus();
    await app.keyboard.press('Home');
    await app.keyboard.press('ArrowDown');
    await app.keyboard.press('ArrowRight');
    await expect(item(app, 'bin/')).toHaveAttribute('aria-expanded', 'true');
    await app.keyboard.press('ArrowDown');
    await app.keyboard.press('Enter');
    await expect(item(app, 'hello')).toHaveAttribute('aria-selected', 'true');
    await expect(item(app, 'hello')).toContainText('executable');
    await expect(preview(app)).toContainText('executable');
    await expect(preview(app).getByLabel('File contents')).toHaveText(await fs.readFile(path.join(leaf, 'bin/hello'), 'utf8'));
    await shot(app, narListing ? 'nar-files-ls' : 'nar-files');
  });
}

test('the build log Nix uploaded is shown and downloaded; a cache without it says so', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'build-log' });
  const leaf = bucket.paths.leaf;
  const logKey = bucket.keys.find((k) => k.startsWith('log/') && k.includes('-leaf.drv'))!;
  expect(logKey).toBeDefined();
  await openPathTab(app, bucket, leaf, '/log');
  const log = app.getByLabel('Build log text');
  await expect(log).toHaveText(await fs.readFile(path.join(bucket.folder, logKey), 'utf8'));
  await expect(log).toContainText('building leaf');
  await expect(app.getByText(logKey)).toBeVisible();

  const folder = path.join(workDir, 'downloads');
  await app.getByLabel('Folder').fill(folder);
  await app.getByRole('button', { name: 'Download the log' }).click();
  const saved = path.join(folder, `${logKey.slice('log/'.length)}.log`);
  await expect(app.getByText(`Saved ${saved}`)).toBeVisible();
  expect(await fs.readFile(saved, 'utf8')).toBe(await fs.readFile(path.join(bucket.folder, logKey), 'utf8'));
  await shot(app, 'nar-build-log');

  await bucket.deleteKey(logKey);
  await app.reload();
  await expect(app.getByText(`No build log in this cache for ${logKey.slice('log/'.length)}`)).toBeVisible();
});

test('integrity check, download and extraction of a NAR', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'integrity', buildLogs: false });
  const leaf = bucket.paths.leaf;
  await openPathTab(app, bucket, leaf, '');
  await app.getByRole('button', { name: 'Check integrity' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'The NAR matches its narinfo.' })).toBeVisible();
  const checks = app.getByRole('table', { name: 'Integrity checks' });
  for (const name of ['FileSize', 'FileHash', 'Decompresses', 'NarSize', 'NarHash']) await expect(checks.getByRole('row', { name: new RegExp(`^${name}`) })).toContainText('ok');
  await checks.scrollIntoViewIfNeeded();
  await shot(app, 'nar-integrity');

  await app.getByRole('tab', { name: 'Files' }).click();
  const folder = path.join(workDir, 'saved');
  await app.getByLabel('Folder').fill(folder);
  await app.getByLabel('Decompressed .nar').check();
  await app.getByRole('button', { name: 'Download', exact: true }).click();
  const nar = path.join(folder, `${baseNameOf(leaf)}.nar`);
  await expect(app.getByText(`Saved ${nar}`)).toBeVisible();
  // Again, without allowing it to replace the file: refused, the file kept.
  await app.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(app.getByRole('alert').filter({ hasText: 'exists already' })).toBeVisible();

  await app.getByRole('button', { name: /^Extract to/ }).click();
  await expect(app.getByText(`Extracted into ${path.join(folder, baseNameOf(leaf))}`)).toBeVisible();
  expect(await fs.readFile(path.join(folder, baseNameOf(leaf), 'share/data.txt'), 'utf8')).toBe(await fs.readFile(path.join(leaf, 'share/data.txt'), 'utf8'));
  expect(await fs.readlink(path.join(folder, baseNameOf(leaf), 'link'))).toBe('share/data.txt');
  await app.getByRole('region', { name: 'Download or extract' }).scrollIntoViewIfNeeded();
  await shot(app, 'nar-save');

  // The Jobs panel says what each of those jobs did.
  await app.getByRole('button', { name: /^Jobs/ }).click();
  const saying = (match: '^=' | '$=', text: string) => jobsPanel(app).locator(`[role="progressbar"][aria-valuetext${match}${JSON.stringify(text)}]`);
  await expect(saying('^=', 'Intact: 6 checks passed')).toHaveCount(1);
  await expect(saying('$=', `saved to ${nar}, checked against the narinfo`)).toHaveCount(1);
  await expect(saying('$=', `extracted to ${path.join(folder, baseNameOf(leaf))}`)).toHaveCount(1);
  await shot(app, 'jobs-nar');
});
