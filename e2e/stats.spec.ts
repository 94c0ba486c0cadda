import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { syntheticPathNarinfo, syntheticPathSpec } from '../electron/services/index/synthetic-index';
import { addFolderCache, expect, shot, test } from './fixtures';

const day = 86_400_000;

/**
 * A folder cache shaped like a real one (electron/services/index/synthetic-index.ts): `count` paths
 * written over eight weeks, their NARs (a few bytes each) except `missing` of them, and `broken`
 * narinfos that do not parse.
 */
function writeCache(dir: string, count: number, missing: number[], broken: number) {
  const options = { seed: 'e2e-stats', from: Date.now() - 55 * day, to: Date.now() - day };
  mkdirSync(path.join(dir, 'nar'), { recursive: true });
  const specs = Array.from({ length: count }, (_, i) => syntheticPathSpec(i, count, options));
  for (const spec of specs) {
    const { key, url, text } = syntheticPathNarinfo(spec, options, count);
    writeFileSync(path.join(dir, key), text);
    const seconds = spec.lastModified / 1000;
    utimesSync(path.join(dir, key), seconds, seconds);
    if (!missing.includes(spec.i)) writeFileSync(path.join(dir, url), 'nar');
  }
  for (let b = 0; b < broken; b++) writeFileSync(path.join(dir, `${'0123456789'[b]!.repeat(32)}.narinfo`), 'StorePath: nonsense\n');
  writeFileSync(path.join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n');
  return specs;
}

test('the Stats tab says to refresh an unindexed cache, then shows its numbers, the paths behind them and three plots', async ({ app, workDir }) => {
  const dir = path.join(workDir, 'stats-cache');
  mkdirSync(dir);
  // Not a cache yet: the Paths tab waits on the test, so nothing has indexed it.
  await addFolderCache(app, 'Stats cache', dir);
  const tabs = app.getByRole('navigation', { name: 'Cache views' });
  await tabs.getByRole('link', { name: 'Stats' }).click();
  await expect(app).toHaveURL(/#\/caches\/[^/]+\/stats$/);
  await expect(app.getByText('Refresh to index this cache')).toBeVisible();
  await shot(app, 'stats-empty');

  const specs = writeCache(dir, 600, [3, 10, 42], 2);
  await app.getByRole('button', { name: 'Refresh', exact: true }).click();

  const figure = (term: string) => app.locator('.stats__figure').filter({ has: app.locator('dt', { hasText: term }) });
  await expect(figure('Paths').locator('.stats__value')).toHaveText('600', { timeout: 30_000 });
  const unsigned = specs.filter((s) => s.sigs.length === 0).length;
  expect(unsigned).toBeGreaterThan(0);
  await expect(figure('Unsigned').locator('.stats__value')).toContainText(String(unsigned));
  await expect(figure('NAR missing').locator('.stats__value')).toContainText('3');
  await expect(figure('Unusable').locator('.stats__value')).toContainText('2');

  // Signature coverage per key name, and compression per method.
  const signers = app.getByRole('region', { name: 'Signatures' });
  const signedBy = (key: string) => specs.filter((s) => s.sigs.some((sig) => sig.startsWith(`${key}:`))).length;
  await expect(signers.getByRole('row', { name: /cache\.example\.org-1/ })).toContainText(signedBy('cache.example.org-1').toLocaleString('en-US'));
  await expect(signers.getByRole('row', { name: /ci\.example\.org-2/ })).toContainText(signedBy('ci.example.org-2').toLocaleString('en-US'));
  const compression = app.getByRole('region', { name: 'Compression' });
  await expect(compression.getByRole('row', { name: /^xz/ })).toContainText('×');

  // Each plot is a labelled image with a table of its figures.
  for (const title of ['NAR sizes', 'Largest closures', 'Paths added over time']) {
    const plot = app.getByRole('figure', { name: title });
    await expect(plot.getByRole('img')).toHaveAttribute('aria-label', /\w/);
    await expect(plot.locator('canvas')).toBeVisible();
  }
  const added = app.getByRole('figure', { name: 'Paths added over time' });
  await added.getByText('Show as a table').click();
  const addedRows = added.getByRole('table').getByRole('row');
  // 55 days of narinfos, per day: every day with a path is a row (and the head).
  expect(await addedRows.count()).toBeGreaterThan(20);
  await added.getByText('Show as a table').click();
  // The header's test ran when the folder was empty: test again, so the screenshot shows the cache as it is.
  await app.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(app.getByText('Nix cache OK')).toBeVisible();
  await app.locator('.stats').evaluate((element) => element.scrollTo(0, 0));
  await shot(app, 'stats');

  const closures = app.getByRole('figure', { name: 'Largest closures' });
  await closures.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await shot(app, 'stats-closures');
  await closures.getByText('Show as a table').click();
  await expect(closures.getByRole('table').getByRole('row')).toHaveCount(21);

  // "NAR missing" lists the three paths; each links to its page.
  await figure('NAR missing').getByRole('button').click();
  const list = app.getByRole('region', { name: 'Narinfos whose NAR is missing' });
  const missingNames = [3, 10, 42].map((i) => specs[i]!.name).sort();
  await expect(list.getByRole('link')).toHaveCount(3);
  expect((await list.locator('.stats__path-name').allInnerTexts()).sort()).toEqual(missingNames);
  await shot(app, 'stats-missing');
  const first = specs[3]!;
  await list.getByRole('link', { name: new RegExp(first.hash) }).click();
  await expect(app).toHaveURL(new RegExp(`#/caches/[^/]+/paths/${first.hash}-${first.name.replace(/[.+]/g, '\\$&')}$`));
});
