import fs from 'node:fs/promises';
import path from 'node:path';
import { addFolderCache, expect, shot, test, ui } from './fixtures';
import { writeSyntheticCache } from './synthetic-cache';

test('the path table and the sidebar work from the keyboard', async ({ app, workDir }) => {
  const cache = writeSyntheticCache(path.join(workDir, 'keys-cache'), 300, { broken: 1, prefix: 'keyboard' });
  await addFolderCache(app, 'Keyboard', cache.dir);
  await expect(ui.pathCount(app)).toHaveText('300 paths');
  const table = ui.pathList(app);
  const selected = table.locator('.path-table__body [aria-selected="true"]');
  // The table's first order: by name, the narinfo that does not parse (no name) last.
  const byName = cache.paths.filter((p) => !cache.broken.includes(p.hash)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const at = (i: number) => byName[i]!;

  // Arrows, Page keys, Home and End move the selection, which the table names as its active row.
  await table.focus();
  await app.keyboard.press('ArrowDown');
  await expect(selected).toContainText(at(0).hash);
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown');
  await expect(selected).toContainText(at(2).hash);
  await app.keyboard.press('ArrowUp');
  await expect(selected).toContainText(at(1).hash);
  await expect(table).toHaveAttribute('aria-activedescendant', 'path-row-1');

  // A screenful is the rows under the heads, less one that stays in view.
  const pageRows = Math.floor(((await table.evaluate((el) => el.clientHeight)) - 34) / 34) - 1;
  await app.keyboard.press('PageDown');
  await expect(selected).toContainText(at(1 + pageRows).hash);
  await app.keyboard.press('End');
  await expect(selected).toContainText(cache.broken[0]!);
  await expect(selected).toContainText(/NarHash missing/);
  await expect(selected).toBeInViewport();
  await app.keyboard.press('PageUp');
  await expect(selected).toContainText(at(299 - pageRows).hash);
  await app.keyboard.press('Home');
  await expect(selected).toContainText(at(0).hash);
  await expect(selected).toBeInViewport();
  await expect(ui.selection(app)).toHaveText(`/nix/store/${at(0).hash}-${at(0).name}`);

  // `/` jumps to the filter; Escape there clears it.
  await app.keyboard.press('/');
  await expect(ui.filter(app)).toBeFocused();
  await app.keyboard.type(at(7).hash.slice(0, 10));
  await expect(ui.pathCount(app)).toHaveText(/^\d+ of 300 paths$/);
  await expect(ui.pathRows(app).first()).toContainText(at(7).hash);
  await shot(app, 'filtered');
  await app.keyboard.press('Escape');
  await expect(ui.filter(app)).toHaveValue('');
  await expect(ui.pathCount(app)).toHaveText('300 paths');

  // A name search covers every path: the names are in the index.
  await ui.filter(app).fill('keyboard-123');
  await expect(ui.pathCount(app)).toHaveText('1 of 300 paths');
  await expect(ui.pathRows(app).locator('.path-cell--name')).toHaveText('keyboard-123');

  // ↓ from the filter selects the first match; Enter opens its page, and the way back keeps the filter.
  await app.keyboard.press('ArrowDown');
  await expect(table).toBeFocused();
  await app.keyboard.press('Enter');
  const target = cache.paths.find((p) => p.name === 'keyboard-123')!;
  await expect(app).toHaveURL(new RegExp(`#/caches/[^/]+/paths/${target.hash}-keyboard-123$`));
  await app.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: /Store paths/ }).click();
  await expect(ui.filter(app)).toHaveValue('keyboard-123');
  await expect(ui.pathCount(app)).toHaveText('1 of 300 paths');

  // A row whose narinfo is broken says why instead of a name.
  const brokenHash = cache.broken[0]!;
  await ui.filter(app).fill(brokenHash);
  await expect(ui.pathList(app).getByRole('row', { name: new RegExp(brokenHash) })).toContainText(/NarHash missing/);
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
  await expect(ui.pathCount(app)).toHaveText('300 paths');
  await fs.rm(cache.dir, { recursive: true, force: true });
});
