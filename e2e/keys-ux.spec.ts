import fs from 'node:fs/promises';
import path from 'node:path';
import { nixGenerateKey } from '../scripts/testbed/nix';
import { expect, shot, test } from './fixtures';

test('key forms: the button stays enabled, errors show once next to the field, the result is laid out plainly', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click();
  await app.getByRole('button', { name: 'Generate key…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Generate a signing key' });
  const name = dialog.getByLabel('Key name');

  // Empty: submitting says why and puts the focus on the field (like the Add cache form).
  await name.fill('');
  const generate = dialog.getByRole('button', { name: 'Generate' });
  await expect(generate).toBeEnabled();
  await generate.click();
  await expect(dialog.getByText('Key name: A key needs a name.')).toBeVisible();
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute('aria-invalid', 'true');

  // The service's message names the field itself: shown once, not "Key name: Key name: …".
  await name.fill('bad name');
  await generate.click();
  const error = dialog.locator('.field__error');
  await expect(error).toHaveText('Key name "bad name" contains whitespace or a control character.');
  await shot(app, 'key-name-error');

  await name.fill('layout.example.org-1');
  await generate.click();
  const copy = dialog.getByRole('button', { name: 'Copy public key' });
  await expect(copy).toBeVisible();
  // The Copy button is a button of its own size, not a full-width bar that looks like a text field.
  const copyBox = (await copy.boundingBox())!;
  const keyBox = (await dialog.getByLabel('Public key', { exact: true }).boundingBox())!;
  expect(copyBox.width).toBeLessThan(keyBox.width / 3);
  await shot(app, 'key-generated');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // A pasted secret key is shown whole, not clipped.
  const fromNix = await nixGenerateKey('a-rather-long-key-name.cache.example.org-1');
  await app.getByRole('button', { name: 'Import secret key…' }).click();
  const importDialog = app.getByRole('dialog', { name: 'Import a secret key' });
  const box = importDialog.getByRole('textbox', { name: 'Secret key' });
  await box.fill(fromNix.secret);
  const fits = await box.evaluate((el) => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
  await shot(app, 'key-import-secret');
});

test('deleting a key offers to keep a copy: the public key, and the secret saved to a 0600 file by the main process', async ({
  app,
  narwhal,
  workDir,
  context,
  sentMessages,
  receivedFrames,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click();
  const keys = app.getByRole('main', { name: 'Keys' });
  await keys.getByRole('button', { name: 'Generate key…' }).click();
  const generated = app.getByRole('dialog', { name: 'Generate a signing key' });
  await generated.getByLabel('Key name').fill('keep.example.org-1');
  await generated.getByRole('button', { name: 'Generate' }).click();
  const publicKey = (await generated.getByLabel('Public key', { exact: true }).innerText()).trim();
  await generated.getByRole('button', { name: 'Done' }).click();

  await keys.getByRole('button', { name: 'Delete keep.example.org-1' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete keep.example.org-1?' });
  await expect(confirm).toContainText('Keep a copy if you may need it.');
  const keep = confirm.getByRole('region', { name: 'Keep a copy' });

  await keep.getByRole('button', { name: 'Copy public key of keep.example.org-1' }).click();
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);
  const download = app.waitForEvent('download');
  await keep.getByRole('button', { name: 'Download public key' }).click();
  expect(await fs.readFile(await (await download).path(), 'utf8')).toBe(`${publicKey}\n`);

  await keep.getByRole('button', { name: 'Save secret key to a file…' }).click();
  const target = keep.getByLabel('Save secret key to');
  await expect(target).toHaveValue('~/keep.example.org-1.sec');
  await expect(target).toBeFocused();

  // A relative path and a missing folder are refused, saying why.
  await target.fill('keep.sec');
  await keep.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keep.locator('.field__error')).toContainText('absolute path');
  await target.fill(path.join(workDir, 'no-such-folder', 'keep.sec'));
  await keep.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keep.locator('.field__error')).toContainText(`The folder ${path.join(workDir, 'no-such-folder')} does not exist.`);

  const file = path.join(workDir, 'keep.sec');
  await target.fill(file);
  await keep.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keep.getByRole('status')).toHaveText(`Saved the secret key to ${file} (mode 0600).`);
  await shot(app, 'key-delete-keep-copy');

  // The file holds exactly the stored secret, readable only by its owner.
  const keyDir = path.join(narwhal.dataDir, 'keys');
  const stored = (await fs.readdir(keyDir)).find((name) => name.endsWith('.sec'))!;
  const secretText = await fs.readFile(path.join(keyDir, stored), 'utf8');
  expect(await fs.readFile(file, 'utf8')).toBe(secretText);
  expect((await fs.stat(file)).mode & 0o777).toBe(0o600);

  // Saving again never overwrites the copy.
  await keep.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(keep.locator('.field__error')).toContainText('already exists');
  expect(await fs.readFile(file, 'utf8')).toBe(secretText);

  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(confirm).toBeHidden();
  await expect(keys.getByText('No keys yet')).toBeVisible();

  // The secret went from the main process to the file only: never to the page nor over the API.
  const secretBase64 = secretText.split(':')[1]!;
  const seedHex = Buffer.from(secretBase64, 'base64').subarray(0, 32).toString('hex');
  const everything = [await app.content(), ...receivedFrames, ...sentMessages.map((m) => JSON.stringify(m))].join('\n');
  expect(everything).toContain(file);
  for (const secretForm of [secretBase64, secretBase64.slice(0, 43), seedHex]) expect(everything).not.toContain(secretForm);
});
