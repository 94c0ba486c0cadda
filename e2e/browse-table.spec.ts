import path from 'node:path';
import { createBucket, makeBucketPublicRead, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import { addCacheByUrl, addFolderCache, expect, shot, test, ui } from './fixtures';
import { screens } from './flows';
import { writeSyntheticCache } from './synthetic-cache';

const cacheIdOf = (url: string) => /#\/caches\/([^/]+)\//.exec(url)?.[1];

test('screens have URLs: a row opens its path page, back and forward, reload and a bookmark land where they say, and the table is kept', async ({ app, workDir, context }) => {
  const cache = writeSyntheticCache(path.join(workDir, 'linked'), 30, { prefix: 'linked' });
  await addFolderCache(app, 'Linked', cache.dir);
  await expect(ui.pathCount(app)).toHaveText('30 paths');
  await expect(app).toHaveURL(/#\/caches\/[^/]+\/paths$/);
  const id = cacheIdOf(app.url())!;
  const tablePath = `#/caches/${id}/paths`;

  // A filter and a sort, then a row: its page, under the path's own URL.
  await ui.filter(app).fill('linked-2');
  await expect(ui.pathCount(app)).toHaveText('11 of 30 paths');
  const nar = ui.pathList(app).getByRole('columnheader', { name: 'NAR size' });
  await nar.getByRole('button').click();
  await expect(nar).toHaveAttribute('aria-sort', 'descending');
  const target = cache.paths.find((p) => p.name === 'linked-25')!;
  const base = `${target.hash}-${target.name}`;
  await ui.pathList(app).getByRole('row', { name: new RegExp(`^linked-25,`) }).click();
  await expect(app).toHaveURL(new RegExp(`#/caches/${id}/paths/${base}$`));
  const crumbs = app.getByRole('navigation', { name: 'Breadcrumb' });
  await expect(crumbs).toContainText(base);
  await shot(app, 'route-path-page');

  // Back: the table as it was left (filter, sort); forward: the page again.
  await app.goBack();
  await expect(app).toHaveURL(new RegExp(`${tablePath}$`));
  await expect(ui.filter(app)).toHaveValue('linked-2');
  await expect(nar).toHaveAttribute('aria-sort', 'descending');
  await expect(ui.pathCount(app)).toHaveText('11 of 30 paths');
  await app.goForward();
  await expect(crumbs).toContainText(base);

  // The cache's tabs are URLs too; back returns to the path.
  await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Stats' }).click();
  await expect(app).toHaveURL(new RegExp(`#/caches/${id}/stats$`));
  await app.goBack();
  await expect(crumbs).toContainText(base);

  // A reload stays on the page.
  await app.reload();
  await expect(ui.title(app)).toHaveText('Linked');
  await expect(crumbs).toContainText(base);

  // The top bar's screens go through the URL; Caches comes back to the path it left.
  await screens(app).getByRole('button', { name: 'Keys' }).click();
  await expect(app).toHaveURL(/#\/keys$/);
  await screens(app).getByRole('button', { name: 'Caches' }).click();
  await expect(crumbs).toContainText(base);
  await app.goBack();
  await expect(app).toHaveURL(/#\/keys$/);
  await app.goBack();
  await expect(crumbs).toContainText(base);

  // Another cache in the sidebar becomes the URL; back selects Linked again (the selection is the main process's).
  await ui.cacheButton(app, 'Local cache').click();
  await expect(ui.title(app)).toHaveText('Local cache');
  await expect(app).not.toHaveURL(new RegExp(id));
  await app.goBack();
  await expect(ui.cacheButton(app, 'Linked')).toHaveAttribute('aria-current', 'true');
  await expect(crumbs).toContainText(base);

  // A bookmark, opened in another tab while Local cache is selected: its cache, path and tab.
  await ui.cacheButton(app, 'Local cache').click();
  await expect(ui.title(app)).toHaveText('Local cache');
  const other = await context.newPage();
  await other.goto(`${new URL(app.url()).origin}/#/caches/${id}/paths/${base}/closure`);
  await expect(other.getByRole('main').getByRole('heading', { level: 1 })).toHaveText('Linked');
  await expect(other.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(base);
  await expect(other).toHaveURL(new RegExp(`#/caches/${id}/paths/${base}/closure$`));
  await expect(ui.cacheButton(other, 'Linked')).toHaveAttribute('aria-current', 'true');

  // A link that names no saved cache says so.
  await other.goto(`${new URL(app.url()).origin}/#/caches/c-nosuchcache/paths`);
  await expect(other.getByText('No such cache')).toBeVisible();
  await other.close();
});

test('an HTTP cache cannot be listed: a store path or hash typed into the lookup box opens its page', async ({ app, testbed, workDir }) => {
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-lookup'));
  await makeBucketPublicRead(testbed, bucket);
  const folder = writeSyntheticCache(path.join(workDir, 'http-lookup'), 3);
  await uploadDir(testbed, bucket, folder.dir);
  await addCacheByUrl(app, 'Mirror', `http://127.0.0.1:${testbed.port}/${bucket}`);
  await expect(app.getByText('This HTTP cache cannot be listed')).toBeVisible();
  const box = app.getByRole('textbox', { name: 'Look up a store path' });
  await box.fill('hello');
  await app.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(app.getByRole('alert')).toContainText('does not start with a store path hash');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await shot(app, 'http-lookup');
  const p = folder.paths[1]!;
  await box.fill(`/nix/store/${p.hash}-${p.name}/bin/x`);
  await box.press('Enter');
  await expect(app).toHaveURL(new RegExp(`#/caches/[^/]+/paths/${p.hash}-${p.name}$`));
  await expect(app.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(`${p.hash}-${p.name}`);
});
