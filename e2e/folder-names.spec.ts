import fs from 'node:fs/promises';
import path from 'node:path';
import { addFolderCache, expect, shot, test } from './fixtures';

test('a folder whose name has a space gets the escaped store URL and a note on which Nix reads it', async ({ app, workDir }) => {
  const dir = path.join(workDir, 'has space');
  await fs.mkdir(dir);
  await addFolderCache(app, 'Spaced', dir);
  const main = app.getByRole('main');
  await expect(main.locator('.store-url__value')).toHaveText(`file://${workDir}/has%20space`);
  await expect(main.getByRole('note')).toContainText('Nix 2.10 and later');
  await shot(app, 'folder-with-space');

  // A plain name needs no note.
  const plain = path.join(workDir, 'plain');
  await fs.mkdir(plain);
  await addFolderCache(app, 'Plain', plain);
  await expect(app.getByRole('main').locator('.store-url__value')).toHaveText(`file://${plain}`);
  await expect(app.getByRole('main').getByRole('note')).toHaveCount(0);
});
