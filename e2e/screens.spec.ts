import fs from 'node:fs/promises';
import path from 'node:path';
import { createBucket, makeBucketPublicRead, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import { addCacheByUrl, expect, shot, test, ui } from './fixtures';
import { writeSyntheticCache } from './synthetic-cache';

test('the form explains what is wrong, field by field', async ({ app }) => {
  await app.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(app);
  await dialog.getByLabel('Bucket', { exact: true }).fill('Not_A Bucket');
  await dialog.getByLabel('Region', { exact: true }).fill('EU West');
  await dialog.getByRole('button', { name: 'Add cache' }).click();
  await expect(dialog.getByText('Name: A cache needs a name.')).toBeVisible();
  await expect(dialog.getByText(/^Bucket name "Not_A Bucket" is not valid: use lowercase letters/)).toBeVisible();
  await expect(dialog.getByText('Region "EU West" is not valid: a region is like us-east-1.')).toBeVisible();
  await expect(dialog.getByRole('alert')).toHaveText('3 fields need fixing before saving.');
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
  await expect(dialog.getByLabel('Bucket', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await shot(app, 'form-errors');

  // A store URL that cannot be imported says why; one with unknown settings imports with warnings.
  await dialog.getByLabel('Import from Nix store URL').fill('ssh://builder.example');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByText(/Narwhal manages s3:\/\/, file:\/\/ and http\(s\):\/\/ caches/)).toBeVisible();
  await dialog.getByLabel('Import from Nix store URL').fill('file:///srv/nix-cache?compression=zstd&flavour=vanilla');
  await dialog.getByLabel('Import from Nix store URL').press('Enter');
  await expect(dialog.getByRole('list', { name: 'Import warnings' })).toContainText('Unknown setting "flavour"');
  await expect(dialog.getByRole('radio', { name: /Local folder/ })).toBeChecked();
  await expect(dialog.getByLabel('Folder', { exact: true })).toHaveValue('/srv/nix-cache');
  await expect(dialog.getByRole('list', { name: 'Other Nix settings' })).toContainText('compression=zstd');
  await expect(dialog.getByRole('status', { name: 'Store URL' })).toHaveText('file:///srv/nix-cache?compression=zstd&flavour=vanilla');
  await shot(app, 'form-import-warnings');
  await dialog.getByRole('button', { name: 'Drop setting flavour' }).click();
  await expect(dialog.getByRole('status', { name: 'Store URL' })).toHaveText('file:///srv/nix-cache?compression=zstd');
  await app.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('an HTTP cache is tested but says plainly that it cannot be listed', async ({ app, testbed, workDir }) => {
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-http'));
  await makeBucketPublicRead(testbed, bucket);
  const folder = writeSyntheticCache(path.join(workDir, 'http-source'), 3);
  await uploadDir(testbed, bucket, folder.dir);

  await addCacheByUrl(app, 'Public mirror', `http://127.0.0.1:${testbed.port}/${bucket}`);
  await expect(app.getByRole('main').getByText('HTTP · read-only', { exact: true })).toBeVisible();
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await expect(app.getByText('This HTTP cache cannot be listed')).toBeVisible();
  await expect(app.getByText(/serves files but no directory of them/)).toBeVisible();
  await expect(app.getByRole('button', { name: 'Initialise…' })).toBeDisabled();
  await shot(app, 'http-cache');
});

test('removing caches asks first, and with none left the app offers to add one', async ({ app }) => {
  await app.getByRole('button', { name: 'Remove…' }).click();
  const confirm = app.getByRole('dialog', { name: 'Remove Local cache?' });
  await expect(confirm).toContainText('Narwhal forgets this connection. The folder and everything in it stay as they are');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(app, 'remove-confirm');
  await confirm.getByRole('button', { name: 'Remove cache' }).click();
  await expect(confirm).toBeHidden();
  await expect(ui.sidebar(app).getByRole('button')).toHaveCount(0);
  await expect(app.getByText('No caches yet', { exact: true })).toBeVisible();
  await expect(app.getByRole('button', { name: 'Import store URL…' })).toBeVisible();
  await shot(app, 'no-caches');
});

test('losing the connection to Narwhal shows a banner', async ({ app, narwhal }) => {
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await narwhal.stop();
  await expect(app.getByText('Connection to Narwhal lost — reconnecting…')).toBeVisible();
  await shot(app, 'connection-lost');
});

test.describe('with a damaged settings file', () => {
  test.use({ seedDataDir: { 'settings.json': '{ "version": 1, "caches": [' } });

  test('start-up notices show as a banner that can be dismissed', async ({ app }) => {
    const notices = app.getByRole('region', { name: 'Notices' });
    await expect(notices.getByRole('alert')).toContainText('The settings file could not be read (not JSON');
    await expect(ui.title(app)).toHaveText('Local cache');
    await shot(app, 'notice-banner');
    await notices.getByRole('button', { name: 'Dismiss notice' }).click();
    await expect(notices).toBeHidden();
  });
});

test('a folder that disappeared says so and offers to create it again', async ({ app, workDir }) => {
  const cache = writeSyntheticCache(path.join(workDir, 'vanishing'), 5);
  await addCacheByUrl(app, 'Vanishing', cache.storeUrl);
  await expect(ui.pathCount(app)).toHaveText('5 paths');
  await fs.rm(cache.dir, { recursive: true });
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  const problem = app.getByRole('region', { name: 'Folder not found' });
  await expect(problem).toContainText(`The folder ${cache.dir} does not exist.`);
  await shot(app, 'folder-missing');
  await problem.getByRole('button', { name: 'Initialise cache…' }).click();
  await app.getByRole('dialog', { name: 'Initialise Vanishing' }).getByRole('button', { name: 'Initialise', exact: true }).click();
  await app.getByRole('dialog', { name: 'Initialised Vanishing' }).getByRole('button', { name: 'Done' }).click();
  await expect(app.getByText('This cache is empty')).toBeVisible();
});

test('editing a connection re-tests it under its new settings', async ({ app, workDir }) => {
  const first = writeSyntheticCache(path.join(workDir, 'first'), 2);
  const second = writeSyntheticCache(path.join(workDir, 'second'), 4);
  await addCacheByUrl(app, 'Movable', first.storeUrl);
  await expect(ui.pathCount(app)).toHaveText('2 paths');
  await app.getByRole('button', { name: 'Edit…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Edit Movable' });
  await expect(dialog.getByLabel('Folder', { exact: true })).toHaveValue(first.dir);
  await dialog.getByLabel('Name', { exact: true }).fill('Moved');
  await dialog.getByLabel('Folder', { exact: true }).fill(second.dir);
  await expect(dialog.getByRole('status', { name: 'Store URL' })).toHaveText(second.storeUrl);
  await shot(app, 'edit-dialog');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(ui.title(app)).toHaveText('Moved');
  await expect(ui.cacheButton(app, 'Moved')).toBeVisible();
  await expect(ui.pathCount(app)).toHaveText('4 paths');
});
