import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { parseNarinfo } from '../shared/nix/narinfo';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixEnv, nixGenerateKey, run } from '../scripts/testbed/nix';
import { addFolderCache, expect, shot, test } from './fixtures';
import { buildRandomPath, generateKey, jobsPanel, screens } from './flows';

const copyScreen = (page: Page) => page.getByRole('main', { name: 'Copy' });

/** The narinfo Nix reads for `storePath` in the folder cache `dir`, parsed; undefined when the folder has none. */
async function narinfoIn(dir: string, storePath: string) {
  const file = path.join(dir, `${path.basename(storePath).slice(0, 32)}.narinfo`);
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseNarinfo(text, { source: file });
}

test('copy a closure nix copy wrote, signed, to another folder: recompressed to zstd and signed again; form errors; a path the source lacks', async ({ app, workDir }) => {
  const fixture = await buildFixtureClosure('e2e-copy');
  const sourceKey = await nixGenerateKey('e2e-copy-source-1');
  const source = path.join(workDir, 'source-cache');
  const destination = path.join(workDir, 'destination-cache');
  await nixCopyToFile(source, [fixture.top], { secretKey: sourceKey.secret });
  await fs.mkdir(destination);
  await addFolderCache(app, 'Source', source);
  await addFolderCache(app, 'Destination', destination);
  const publicKey = await generateKey(app, 'e2e-copy-1');

  await screens(app).getByRole('button', { name: 'Copy' }).click();
  const copy = copyScreen(app);
  // Destination was added last, so it is selected and proposed as the source; the other way round here.
  await expect(copy.getByLabel('From', { exact: true })).toHaveValue(/.+/);
  await copy.getByLabel('From', { exact: true }).selectOption({ label: 'Source' });
  await copy.getByLabel('To', { exact: true }).selectOption({ label: 'Destination' });
  await expect(copy.getByText(`file://${source}`)).toBeVisible();

  // Nothing to copy yet, then a line that is no path: each says what is wrong, in the field.
  await copy.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(copy.getByText('Store paths: give at least one store path, base name or hash, one a line.')).toBeVisible();
  await expect(copy.getByLabel('Store paths', { exact: true })).toBeFocused();
  await copy.getByLabel('Store paths', { exact: true }).fill(`${fixture.top}\nhello`);
  await expect(copy.getByText(/^Store paths: line 2, "hello", is not a store path, a base name \(<hash>-<name>\) or a 32-character hash/)).toBeVisible();
  await expect(copy.getByLabel('Store paths', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await shot(app, 'copy-form-errors');
  await copy.getByLabel('Store paths', { exact: true }).fill(fixture.top);
  await expect(copy.getByLabel('Store paths', { exact: true })).toHaveAttribute('aria-invalid', 'false');

  await expect(copy.getByRole('checkbox', { name: /Include their closure/ })).toBeChecked();
  await expect(copy.getByLabel('Compression', { exact: true })).toHaveValue('keep');
  await expect(copy.getByLabel('Level', { exact: true })).toBeDisabled();
  await copy.getByLabel('Compression', { exact: true }).selectOption('zstd');
  await copy.getByLabel('Level', { exact: true }).fill('25');
  await expect(copy.getByText('Level: zstd takes a whole number from 1 to 19; "25" is not one.')).toBeVisible();
  await copy.getByLabel('Level', { exact: true }).fill('9');
  await expect(copy.getByLabel('Sign with', { exact: true }).locator('option:checked')).toHaveText('No new signature');
  await copy.getByLabel('Sign with', { exact: true }).selectOption({ label: 'e2e-copy-1' });
  await shot(app, 'copy-form');

  // Enter in the level field copies.
  await copy.getByLabel('Level', { exact: true }).press('Enter');
  const summary = copy.getByRole('region', { name: 'Copy summary' });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('status')).toContainText('Copied from Source to Destination.');
  await expect(summary.getByLabel('Copied', { exact: true })).toHaveText('3 paths');
  await expect(summary.getByLabel('Skipped', { exact: true })).toHaveText('0 paths already in the destination');
  await expect(summary.getByLabel('Size', { exact: true })).toHaveText(/^[\d.]+ (B|kB) of NARs → [\d.]+ (B|kB) uploaded, recompressed to zstd$/);
  await expect(summary.getByLabel('Signed with', { exact: true })).toHaveText(publicKey);
  await expect(summary.getByLabel('nix.conf lines', { exact: true })).toHaveText(`extra-substituters = file://${destination}\nextra-trusted-public-keys = ${publicKey}\n`);
  await expect(summary.getByRole('button', { name: 'Copy nix.conf lines' })).toBeVisible();
  await shot(app, 'copy-summary');

  // The destination has every narinfo of the closure: zstd, with the source's signature and the new one.
  for (const storePath of fixture.all) {
    const narinfo = await narinfoIn(destination, storePath);
    expect(narinfo, `${storePath} in the destination`).toBeDefined();
    expect(narinfo!.storePath).toBe(storePath);
    expect(narinfo!.compression).toBe('zstd');
    expect(narinfo!.sigs.map((sig) => sig.slice(0, sig.indexOf(':'))).sort()).toEqual(['e2e-copy-1', 'e2e-copy-source-1'].sort());
  }
  // Nix substitutes the closure from the destination trusting either key: the new one, or the source's, which the copy kept.
  for (const trusted of [publicKey, sourceKey.public]) {
    const copied = await nixCopyFromHttp(`file://${destination}`, fixture.top, trusted);
    expect(copied.stderr).not.toMatch(/error/i);
    expect(copied.ok).toBe(true);
  }

  // The Jobs panel sums it up.
  await app.getByRole('button', { name: /^Jobs/ }).click();
  const job = jobsPanel(app).getByRole('listitem', { name: 'Copy narwhal-fixture-e2e-copy-top from Source to Destination' });
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '3 paths copied, 0 already there');
  await jobsPanel(app).getByRole('button', { name: 'Close jobs' }).click();

  // Back to the form, which kept its values: a path the source does not have fails, naming it; Ctrl+Enter copies.
  await summary.getByRole('button', { name: 'Done' }).click();
  await expect(copy.getByLabel('Store paths', { exact: true })).toHaveValue(fixture.top);
  const missing = `/nix/store/${'0'.repeat(31)}1-not-in-the-source`;
  await copy.getByLabel('Store paths', { exact: true }).fill(missing);
  await copy.getByLabel('Store paths', { exact: true }).press('ControlOrMeta+Enter');
  const result = copy.getByRole('region', { name: 'Copy result' });
  await expect(result.getByRole('alert')).toContainText('The copy failed.');
  await expect(result.getByRole('alert')).toContainText(`folder ${source} has no ${'0'.repeat(31)}1.narinfo (named as ${missing})`);
  await expect(result.getByRole('button', { name: 'Try again' })).toBeVisible();
  await shot(app, 'copy-failed');
  await result.getByRole('button', { name: 'Back to the form' }).click();
  await expect(copy.getByLabel('Store paths', { exact: true })).toHaveValue(missing);
});

test('a copy shows progress, survives a reload, shows in Jobs, is cancelled, and copies again keeping the source’s bytes', async ({ app, workDir }) => {
  // Stored uncompressed in the source; recompressing 64 MB of random bytes with xz takes seconds.
  const big = await buildRandomPath('copy-progress', 64);
  const source = path.join(workDir, 'big-source');
  const destination = path.join(workDir, 'big-destination');
  try {
    await nixCopyToFile(source, [big.path], { compression: 'none' });
    await fs.mkdir(destination);
    await addFolderCache(app, 'Big source', source);
    await addFolderCache(app, 'Big destination', destination);

    await screens(app).getByRole('button', { name: 'Copy' }).click();
    const copy = copyScreen(app);
    await copy.getByLabel('From', { exact: true }).selectOption({ label: 'Big source' });
    await copy.getByLabel('To', { exact: true }).selectOption({ label: 'Big destination' });
    // A base name is enough.
    await copy.getByLabel('Store paths', { exact: true }).fill(path.basename(big.path));
    await copy.getByLabel('Compression', { exact: true }).selectOption('xz');
    await copy.getByRole('button', { name: 'Copy', exact: true }).click();

    const progress = copy.getByRole('region', { name: 'Copy progress' });
    await expect(progress.getByRole('heading', { name: 'Copying from Big source to Big destination' })).toBeVisible();
    await expect(progress.getByRole('status', { name: 'Copy phase' })).toHaveText('Copying 0 of 1 path');
    await expect(progress.getByRole('progressbar', { name: 'NAR bytes read' })).toHaveAttribute('aria-valuetext', /^[\d.]+ (B|kB|MB) of 64 MB read$/);
    await expect(progress.getByRole('progressbar', { name: 'Paths' })).toHaveAttribute('aria-valuetext', '0 of 1 path');
    await expect(progress.getByLabel('Throughput')).toHaveText(/\/s read · (about .* left|less than a second left)$/);
    await shot(app, 'copy-progress');

    // After a reload the screen finds the running copy again, and the form its request.
    await app.reload();
    await screens(app).getByRole('button', { name: 'Copy' }).click();
    await expect(progress.getByRole('status', { name: 'Copy phase' })).toHaveText('Copying 0 of 1 path');

    await progress.getByRole('button', { name: 'Show in Jobs' }).click();
    const job = jobsPanel(app).getByRole('listitem', { name: `Copy ${big.name} from Big source to Big destination` });
    await expect(job).toContainText('Running');
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '0 of 1 path copied');
    await jobsPanel(app).getByRole('button', { name: 'Close jobs' }).click();

    await progress.getByRole('button', { name: 'Cancel' }).click();
    const result = copy.getByRole('region', { name: 'Copy result' });
    await expect(result.getByRole('alert')).toContainText('The copy was cancelled.');
    await result.getByRole('button', { name: 'Back to the form' }).click();
    await expect(copy.getByLabel('Store paths', { exact: true })).toHaveValue(path.basename(big.path));
    await expect(copy.getByLabel('Compression', { exact: true })).toHaveValue('xz');
    await expect(copy.getByLabel('To', { exact: true }).locator('option:checked')).toHaveText('Big destination');

    // Quicker this time: the source's bytes as they are.
    await copy.getByLabel('Compression', { exact: true }).selectOption('keep');
    await copy.getByRole('button', { name: 'Copy', exact: true }).click();
    const summary = copy.getByRole('region', { name: 'Copy summary' });
    await expect(summary.getByLabel('Copied', { exact: true })).toHaveText('1 path');
    await expect(summary.getByLabel('Size', { exact: true })).toHaveText('64 MB of NARs → 64 MB uploaded, kept as in the source');
    await expect(summary.getByLabel('Signed with', { exact: true })).toHaveText('no new signature (the source’s are kept)');
    expect((await narinfoIn(destination, big.path))?.compression).toBe('none');
  } finally {
    // Nothing roots the big path: leave the store as it was.
    await run('nix-store', ['--delete', big.path], { env: nixEnv() }).catch(() => undefined);
  }
});
