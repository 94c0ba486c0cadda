import path from 'node:path';
import { buildFixtureClosure, nixCopyToFile } from '../scripts/testbed/nix';
import { createBucket, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import { addCacheByUrl, expect, profiles, rowNames, shot, test, ui } from './fixtures';

const baseName = (storePath: string) => storePath.slice('/nix/store/'.length + 33);

test('a user adds an empty RGW bucket through the form, tests it, initialises it and tests it again', async ({ app, testbed }) => {
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-form'));
  const endpoint = `127.0.0.1:${testbed.port}`;

  await app.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(app);
  await dialog.getByLabel('Name', { exact: true }).fill('Team cache');
  await expect(dialog.getByRole('radio', { name: /S3 bucket/ })).toBeChecked();
  await dialog.getByLabel('Bucket', { exact: true }).fill(bucket);
  await dialog.getByLabel('Endpoint', { exact: true }).fill(endpoint);
  await dialog.getByLabel('Scheme', { exact: true }).selectOption('http');
  const profile = dialog.getByLabel('AWS profile', { exact: true });
  await expect(profile.getByRole('option', { name: /^narwhal-test — us-east-1 · access keys$/ })).toBeAttached();
  await expect(profile.getByRole('option', { name: 'Default credential chain' })).toBeAttached();
  await profile.selectOption(profiles.good);
  const storeUrl = `s3://${bucket}?endpoint=${endpoint}&scheme=http&profile=${profiles.good}`;
  await expect(dialog.getByRole('status', { name: 'Store URL' })).toHaveText(storeUrl);
  await shot(app, 'add-s3-form');
  await dialog.getByRole('button', { name: 'Add cache' }).click();
  await expect(dialog).toBeHidden();

  await expect(ui.title(app)).toHaveText('Team cache');
  await expect(ui.cacheButton(app, 'Team cache')).toHaveAttribute('aria-current', 'true');
  await expect(app.getByRole('main').getByText('S3 bucket', { exact: true })).toBeVisible();
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(ui.testStatus(app)).toContainText('Not a Nix cache yet');
  const problem = app.getByRole('region', { name: 'Not a Nix cache yet' });
  await expect(problem).toContainText('has no nix-cache-info, so it is not a Nix binary cache');
  await shot(app, 'not-a-cache');

  await problem.getByRole('button', { name: 'Initialise cache…' }).click();
  const init = app.getByRole('dialog', { name: 'Initialise Team cache' });
  await expect(init.getByRole('checkbox', { name: /WantMassQuery/ })).toBeChecked();
  await expect(init.getByLabel('Priority', { exact: true })).toHaveValue('40');
  await init.getByLabel('Priority', { exact: true }).fill('25');
  await shot(app, 'initialise-dialog');
  await init.getByRole('button', { name: 'Initialise', exact: true }).click();
  const done = app.getByRole('dialog', { name: 'Initialised Team cache' });
  await expect(done).toContainText('Wrote nix-cache-info: StoreDir /nix/store, WantMassQuery yes, Priority 25.');
  await expect(done.getByRole('status', { name: 'Re-test' })).toContainText('Re-test: Nix cache OK');
  await done.getByRole('button', { name: 'Done' }).click();
  await expect(done).toBeHidden();

  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await expect(ui.testStatus(app)).toContainText('Priority 25');
  await expect(ui.testStatus(app)).toContainText('WantMassQuery yes');
  await expect(app.getByText('This cache is empty')).toBeVisible();
  await shot(app, 'initialised-empty');
});

test('a bucket real Nix wrote, added by its store URL, lists exactly its store paths', async ({ app, testbed, workDir }) => {
  const closure = await buildFixtureClosure('e2e-s3-import');
  const folder = path.join(workDir, 'nix-written');
  await nixCopyToFile(folder, [closure.top]);
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-import'));
  await uploadDir(testbed, bucket, folder);

  const storeUrl = `s3://${bucket}?endpoint=127.0.0.1:${testbed.port}&scheme=http&profile=${profiles.good}`;
  await app.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(app);
  await dialog.getByLabel('Import from Nix store URL').fill(storeUrl);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByText('Imported. Check the fields below, then save.')).toBeVisible();
  await expect(dialog.getByLabel('Bucket', { exact: true })).toHaveValue(bucket);
  await expect(dialog.getByLabel('Endpoint', { exact: true })).toHaveValue(`127.0.0.1:${testbed.port}`);
  await expect(dialog.getByLabel('Scheme', { exact: true })).toHaveValue('http');
  await expect(dialog.getByLabel('AWS profile', { exact: true })).toHaveValue(profiles.good);
  await expect(dialog.getByLabel('Name', { exact: true })).toHaveValue(bucket);
  await expect(dialog.getByRole('status', { name: 'Store URL' })).toHaveText(storeUrl);
  await shot(app, 'import-store-url');
  await dialog.getByRole('button', { name: 'Add cache' }).click();
  await expect(dialog).toBeHidden();

  await expect(ui.title(app)).toHaveText(bucket);
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await expect(ui.pathCount(app)).toHaveText(`${closure.all.length} paths`);
  const names = await rowNames(ui.pathList(app));
  expect(names.sort()).toEqual(closure.all.map(baseName).sort());
  for (const storePath of closure.all) {
    const hash = storePath.slice('/nix/store/'.length, '/nix/store/'.length + 32);
    await expect(ui.pathList(app).getByRole('row', { name: new RegExp(hash) })).toContainText(baseName(storePath));
  }
  await shot(app, 's3-nix-written');
});

test('wrong credentials say that the server rejected them', async ({ app, testbed }) => {
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-creds'));
  await addCacheByUrl(app, 'Wrong secret', `s3://${bucket}?endpoint=127.0.0.1:${testbed.port}&scheme=http&profile=${profiles.wrongSecret}`);
  await expect(ui.testStatus(app)).toContainText('Credentials rejected');
  const problem = app.getByRole('region', { name: 'Credentials rejected' });
  await expect(problem).toContainText(`The server rejected the credentials for bucket "${bucket}"`);
  await expect(problem.getByRole('button', { name: 'Edit connection…' })).toBeVisible();
  await shot(app, 'bad-credentials');
  await problem.getByRole('button', { name: 'Edit connection…' }).click();
  await expect(app.getByRole('dialog', { name: 'Edit Wrong secret' }).getByLabel('AWS profile', { exact: true })).toHaveValue(profiles.wrongSecret);
});
