import fs from 'node:fs/promises';
import path from 'node:path';
import { nixGenerateKey } from '../scripts/testbed/nix';
import { expect, shot, test } from './fixtures';

test('generate a key, copy its snippets; the secret never reaches the page or the API', async ({ app, narwhal, context, sentMessages, receivedFrames }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click();
  const keys = app.getByRole('main', { name: 'Keys' });
  await expect(keys.getByRole('note')).toContainText('Secret keys are not encrypted.');
  await expect(keys.getByText('No keys yet')).toBeVisible();
  // Nix's own default key is trusted on a machine with no nix.conf saying otherwise.
  await expect(keys.getByRole('table', { name: 'Trusted keys' })).toContainText('cache.nixos.org-1');

  await keys.getByRole('button', { name: 'Generate key…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Generate a signing key' });
  // The built-in folder cache is selected: its suggested name is narwhal-local-1.
  await expect(dialog.getByLabel('Key name')).toHaveValue('narwhal-local-1');
  await dialog.getByLabel('Key name').fill('e2e.example.org-1');
  await dialog.getByRole('button', { name: 'Generate' }).click();
  const publicKey = (await dialog.getByLabel('Public key', { exact: true }).innerText()).trim();
  expect(publicKey).toMatch(/^e2e\.example\.org-1:[A-Za-z0-9+/]{43}=$/);
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The secret, as the main process stored it.
  const keyDir = path.join(narwhal.dataDir, 'keys');
  const secretFile = (await fs.readdir(keyDir)).find((name) => name.endsWith('.sec'))!;
  const stat = await fs.stat(path.join(keyDir, secretFile));
  expect(stat.mode & 0o777).toBe(0o600);
  const secretBase64 = (await fs.readFile(path.join(keyDir, secretFile), 'utf8')).split(':')[1]!;
  expect(secretBase64).toHaveLength(88);

  const table = keys.getByRole('table', { name: 'Your keys' });
  await expect(table).toContainText('e2e.example.org-1');
  await expect(table).toContainText('Signing');

  // Snippets for the selected cache and this key; each copy button puts exactly the snippet on the clipboard.
  const storeUrl = `file://${narwhal.dataDir}/local-cache`;
  const nixConf = keys.getByLabel('nix.conf snippet', { exact: true });
  await expect(nixConf).toHaveText(`extra-substituters = ${storeUrl}\nextra-trusted-public-keys = ${publicKey}\n`);
  await shot(app, 'keys');
  for (const [title, expected] of [
    ['nix.conf', `extra-trusted-public-keys = ${publicKey}`],
    ['NixOS module', `extra-trusted-public-keys = [ "${publicKey}" ];`],
    ['Flake nixConfig', 'nixConfig = {'],
    ['Push with nix copy', `nix copy --to '${storeUrl}?secret-key=${path.join(keyDir, secretFile)}' ./result`],
  ] as const) {
    await keys.getByRole('button', { name: `Copy ${title} snippet` }).click();
    expect(await app.evaluate(() => navigator.clipboard.readText())).toContain(expected);
  }
  await keys.getByRole('button', { name: 'Copy public key of e2e.example.org-1' }).click();
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);
  await expect(keys.getByRole('table', { name: 'Trusted keys' })).toContainText('Narwhal');

  // Nowhere in the page, nor in anything that crossed the API in either direction.
  const seedHex = Buffer.from(secretBase64, 'base64').subarray(0, 32).toString('hex');
  const everything = [await app.content(), ...receivedFrames, ...sentMessages.map((m) => JSON.stringify(m))].join('\n');
  expect(everything).toContain(publicKey.split(':')[1]);
  for (const secretForm of [secretBase64, secretBase64.slice(0, 43), seedHex]) expect(everything).not.toContain(secretForm);
});

test('import a secret key made by Nix and a public key; export; delete with confirmation', async ({ app, workDir }) => {
  const fromNix = await nixGenerateKey('imported.example.org-1');
  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click();
  const keys = app.getByRole('main', { name: 'Keys' });

  await keys.getByRole('button', { name: 'Import secret key…' }).click();
  let dialog = app.getByRole('dialog', { name: 'Import a secret key' });
  await dialog.getByLabel('Secret key').fill('not a key');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog.getByText(/Not a Nix secret key/)).toBeVisible();
  // From a file, as `nix key generate-secret > key.sec` leaves it.
  const keyFile = path.join(workDir, 'imported.sec');
  await fs.writeFile(keyFile, fromNix.secret, { mode: 0o600 });
  await dialog.getByLabel('Choose file…').setInputFiles(keyFile);
  await expect(dialog.getByLabel('Secret key')).toHaveValue(fromNix.secret);
  await dialog.getByRole('button', { name: 'Import' }).click();
  // The public half we derive is exactly the one Nix derives.
  await expect(dialog.getByLabel('Public key', { exact: true })).toHaveText(fromNix.public);
  await dialog.getByRole('button', { name: 'Done' }).click();

  await keys.getByRole('button', { name: 'Import public key…' }).click();
  dialog = app.getByRole('dialog', { name: 'Import a public key' });
  await dialog.getByLabel('Public key', { exact: true }).fill(fromNix.public.replace('imported.example.org-1', 'friend-1'));
  await dialog.getByRole('button', { name: 'Import' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();

  const table = keys.getByRole('table', { name: 'Your keys' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('row', { name: /friend-1/ })).toContainText('Verify only');

  const download = app.waitForEvent('download');
  await keys.getByRole('button', { name: 'Export public key of imported.example.org-1' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('imported.example.org-1.pub');
  expect(await fs.readFile(await file.path(), 'utf8')).toBe(`${fromNix.public}\n`);

  await keys.getByRole('button', { name: 'Delete friend-1' }).click();
  const confirm = app.getByRole('dialog', { name: 'Delete friend-1?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).not.toContainText('friend-1');
});
