import fs from 'node:fs/promises';
import path from 'node:path';
import { addFolderCache, expect, shot, test, ui } from './fixtures';
import { writeSyntheticCache } from './synthetic-cache';

test('the path list and the sidebar work from the keyboard', async ({ app, workDir, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const cache = writeSyntheticCache(path.join(workDir, 'keys-cache'), 300, { broken: 1, prefix: 'keyboard' });
  await addFolderCache(app, 'Keyboard', cache.dir);
  await expect(ui.pathCount(app)).toHaveText('300 paths');
  const list = ui.pathList(app);
  const selected = list.locator('[aria-selected="true"]');
  const at = (i: number) => cache.paths[i]!;

  // Arrows, Page keys, Home and End move the selection, which the list names as its active option.
  await list.focus();
  await app.keyboard.press('ArrowDown');
  await expect(selected).toContainText(at(0).hash);
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown');
  await expect(selected).toContainText(at(2).hash);
  await app.keyboard.press('ArrowUp');
  await expect(selected).toContainText(at(1).hash);
  await expect(list).toHaveAttribute('aria-activedescendant', `path-${at(1).hash}`);

  const pageRows = Math.floor((await list.evaluate((el) => el.clientHeight)) / 34) - 1;
  await app.keyboard.press('PageDown');
  await expect(selected).toContainText(at(1 + pageRows).hash);
  await app.keyboard.press('End');
  await expect(selected).toContainText(at(299).hash);
  await expect(selected).toBeInViewport();
  await app.keyboard.press('PageUp');
  await expect(selected).toContainText(at(299 - pageRows).hash);
  await app.keyboard.press('Home');
  await expect(selected).toContainText(at(0).hash);
  await expect(selected).toBeInViewport();

  // Enter copies the selected store path.
  await expect(selected).toContainText(at(0).name);
  await app.keyboard.press('Enter');
  const storePath = `/nix/store/${at(0).hash}-${at(0).name}`;
  await expect(ui.selection(app)).toHaveText(`Copied ${storePath}`);
  expect(await app.evaluate(() => navigator.clipboard.readText())).toBe(storePath);

  // `/` jumps to the filter; Escape there clears it.
  await app.keyboard.press('/');
  await expect(ui.filter(app)).toBeFocused();
  await app.keyboard.type(at(7).hash.slice(0, 10));
  await expect(ui.pathCount(app)).toHaveText(/^\d+ of 300 paths$/);
  await expect(list.getByRole('option').first()).toContainText(at(7).hash);
  await shot(app, 'filtered');
  await app.keyboard.press('Escape');
  await expect(ui.filter(app)).toHaveValue('');
  await expect(ui.pathCount(app)).toHaveText('300 paths');

  // A name search covers only names loaded so far, until the user asks for all of them.
  await ui.filter(app).fill('keyboard-123');
  const hint = app.getByRole('status', { name: 'Names' });
  await expect(hint).toContainText('so a name search finds only those');
  await hint.getByRole('button', { name: 'Load all names' }).click();
  await expect(ui.pathCount(app)).toHaveText('1 of 300 paths');
  await expect(list.getByRole('option').locator('.path-row__name')).toHaveText('keyboard-123');
  await expect(hint).toBeHidden();

  // A row whose narinfo is broken says why instead of a name.
  const brokenHash = cache.broken[0]!;
  await ui.filter(app).fill(brokenHash);
  await expect(list.getByRole('option', { name: new RegExp(brokenHash) })).toContainText(/NarHash missing/);
  await ui.filter(app).fill('');

  // The sidebar: Up/Down move between caches, Enter opens one.
  await ui.cacheButton(app, 'Keyboard').focus();
  await app.keyboard.press('ArrowUp');
  await expect(ui.cacheButton(app, 'Local cache')).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(ui.title(app)).toHaveText('Local cache');
  await expect(ui.cacheButton(app, 'Local cache')).toHaveAttribute('aria-current', 'true');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('Enter');
  await expect(ui.title(app)).toHaveText('Keyboard');
  // The listing was kept, and so were the filter and selection of that cache.
  await expect(ui.pathCount(app)).toHaveText('300 paths');
  await fs.rm(cache.dir, { recursive: true, force: true });
});
