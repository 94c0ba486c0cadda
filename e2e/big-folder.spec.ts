import fs from 'node:fs/promises';
import path from 'node:path';
import { addFolderCache, expect, shot, test, ui } from './fixtures';
import { fastTmpRoot, writeSyntheticCache } from './synthetic-cache';

test('a folder cache of 100 000 paths lists them all and scrolls to the end with few rows in the DOM', async ({ app }) => {
  const dir = await fs.mkdtemp(path.join(fastTmpRoot(), 'narwhal-e2e-100k-'));
  try {
    const cache = writeSyntheticCache(dir, 100_000);
    await addFolderCache(app, 'Hundred thousand', dir);
    // Listing 100 000 keys takes a moment: catch the progress on screen if it is still there.
    const progress = app.getByRole('progressbar', { name: 'Listing store paths' });
    if (await progress.isVisible()) await shot(app, 'list-100k-listing');

    await expect(ui.pathCount(app)).toHaveText('100,000 paths', { timeout: 30_000 });
    const list = ui.pathList(app);
    const first = cache.paths[0]!;
    await expect(list.getByRole('option').first()).toContainText(first.hash);
    await expect(list.getByRole('option').first()).toContainText(first.name);
    await shot(app, 'list-100k-top');

    await list.focus();
    await app.keyboard.press('End');
    const last = cache.paths[cache.paths.length - 1]!;
    const lastRow = list.getByRole('option', { name: new RegExp(last.hash) });
    await expect(lastRow).toBeVisible();
    await expect(lastRow).toHaveAttribute('aria-selected', 'true');
    await expect(lastRow).toHaveAttribute('aria-posinset', '100000');
    await expect(lastRow).toContainText(last.name);
    const secondLast = cache.paths[cache.paths.length - 2]!;
    await expect(list.getByRole('option', { name: new RegExp(secondLast.hash) })).toContainText(secondLast.name);

    const rowsInDom = await list.getByRole('option').count();
    expect(rowsInDom).toBeGreaterThan(10);
    expect(rowsInDom).toBeLessThan(100);
    await shot(app, 'list-100k-end');

    // A filter by hash searches all 100 000, names loaded or not.
    const middle = cache.paths[50_000]!;
    await ui.filter(app).fill(middle.hash.slice(0, 12));
    await expect(ui.pathCount(app)).toHaveText(/^1 of 100,000 paths$|^\d of 100,000 paths$/);
    await expect(list.getByRole('option', { name: new RegExp(middle.hash) })).toContainText(middle.name);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
