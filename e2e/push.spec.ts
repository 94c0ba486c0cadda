import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixEnv, run } from '../scripts/testbed/nix';
import { addFolderCache, expect, shot, test, ui } from './fixtures';
import { buildRandomPath, generateKey, jobsPanel, screens } from './flows';

const pushScreen = (page: Page) => page.getByRole('main', { name: 'Push' });

test('push a pasted path: its closure against the cache, a signed push with progress and summary, then nothing left to push', async ({ app, narwhal, context, workDir }) => {
  const fixture = await buildFixtureClosure('e2e-push');
  // A `result` link that is a GC root, as nix-build leaves one: the roots list offers it.
  const result = path.join(workDir, 'result');
  await run('nix-store', ['--realise', fixture.top, '--add-root', result, '--indirect'], { env: nixEnv() });
  const publicKey = await generateKey(app, 'e2e-push-1');

  await screens(app).getByRole('button', { name: 'Push' }).click();
  const push = pushScreen(app);
  await expect(push.getByRole('heading', { name: 'Push to Local cache' })).toBeVisible();
  await expect(push.getByText('Nothing chosen yet.')).toBeVisible();

  const roots = push.getByRole('list', { name: 'Roots' });
  await expect(roots.getByRole('listitem').filter({ hasText: result })).toContainText(fixture.top);

  // A path pasted into the field becomes a chip at once; its closure is read against the cache.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.evaluate((text) => navigator.clipboard.writeText(text), fixture.top);
  await push.getByLabel('Store path or result link').focus();
  await app.keyboard.press('ControlOrMeta+V');
  await expect(push.getByRole('list', { name: 'Chosen paths' }).getByRole('listitem')).toHaveText([/narwhal-fixture-e2e-push-top/]);
  await expect(push.getByLabel('Store path or result link')).toHaveValue('');
  // The root that points at it shows it is chosen already.
  await expect(roots.getByRole('button', { name: `${result} added` })).toBeDisabled();
  // Something that is not in the store says so, in the field.
  await push.getByLabel('Store path or result link').fill(path.join(workDir, 'nothing-here'));
  await push.getByLabel('Store path or result link').press('Enter');
  await expect(push.getByRole('region', { name: 'Choose what to push' }).getByRole('alert')).toHaveText(`${path.join(workDir, 'nothing-here')} does not exist.`);
  await push.getByLabel('Store path or result link').fill('');
  await expect(push.getByRole('status', { name: 'Closure size' })).toHaveText(/^3 paths, [\d.]+ (B|kB) of NAR$/);
  await expect(push.getByRole('status', { name: 'Already in the cache' })).toHaveText(/^0 of 3 paths, 0 B of [\d.]+ (B|kB) already in Local cache$/);
  const rows = push.getByRole('list', { name: 'Paths in the closure' }).getByRole('listitem');
  await expect(rows).toHaveCount(3);
  for (const storePath of fixture.all) await expect(rows.filter({ hasText: storePath.slice(44) })).toContainText('to push');

  // The new key is preselected; gzip is quick.
  await expect(push.getByLabel('Sign with').locator('option:checked')).toHaveText('e2e-push-1');
  await expect(push.getByLabel('Compression')).toHaveValue('xz');
  await push.getByLabel('Compression').selectOption('gzip');
  // The local cache's URL does not ask for listings; ticked here, each path gets its .ls.
  const listings = push.getByRole('checkbox', { name: /Write file listings \(\.ls\)/ });
  await expect(listings).not.toBeChecked();
  await listings.check();
  await shot(app, 'push-closure');

  await push.getByRole('button', { name: 'Push', exact: true }).click();
  const summary = push.getByRole('region', { name: 'Push summary' });
  await expect(summary).toBeVisible();
  await expect(summary.getByLabel('Pushed', { exact: true })).toHaveText('3 paths');
  await expect(summary.getByLabel('Skipped', { exact: true })).toHaveText('0 paths already in the cache');
  await expect(summary).toContainText(/of NARs → [\d.]+ (B|kB) uploaded/);
  await expect(summary.getByLabel('nix.conf lines', { exact: true })).toHaveText(`extra-substituters = file://${narwhal.dataDir}/local-cache\nextra-trusted-public-keys = ${publicKey}\n`);
  // The closure is asked again: the cache has it all now.
  await expect(push.getByRole('status', { name: 'Already in the cache' })).toHaveText(/^3 of 3 paths, ([\d.]+ (B|kB)) of \1 already in Local cache$/);
  await expect(rows.filter({ hasText: 'in cache' })).toHaveCount(3);
  await summary.getByRole('button', { name: 'Done' }).scrollIntoViewIfNeeded();
  await shot(app, 'push-summary');

  const cacheFiles = await fs.readdir(path.join(narwhal.dataDir, 'local-cache'));
  expect(cacheFiles.filter((name) => name.endsWith('.ls')).sort()).toEqual(fixture.all.map((p) => `${path.basename(p).slice(0, 32)}.ls`).sort());

  // Nix substitutes the whole closure from the folder, trusting the key made in the Keys screen.
  const copied = await nixCopyFromHttp(`file://${narwhal.dataDir}/local-cache`, fixture.top, publicKey);
  expect(copied.stderr).not.toMatch(/error/i);
  expect(copied.ok).toBe(true);

  // Pushing again sends nothing.
  await summary.getByRole('button', { name: 'Done' }).click();
  await push.getByRole('button', { name: 'Push', exact: true }).click();
  await expect(summary.getByLabel('Pushed', { exact: true })).toHaveText('0 paths');
  await expect(summary.getByLabel('Skipped', { exact: true })).toHaveText('3 paths already in the cache');
});

test('a push shows progress, survives a reload, is cancelled, and pushing unsigned asks first', async ({ app }) => {
  // Big enough that xz takes several seconds even on an idle machine: the steps below need the push running.
  const big = await buildRandomPath('push-progress', 64);
  await screens(app).getByRole('button', { name: 'Push' }).click();
  const push = pushScreen(app);

  // Found by name in the store.
  await push.getByLabel('Search the store by name').fill(big.name);
  const results = push.getByRole('list', { name: 'Search results' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await results.getByRole('button', { name: `Add ${big.name}` }).click();
  await expect(results.getByRole('button', { name: `${big.name} added` })).toBeDisabled();
  await expect(push.getByRole('list', { name: 'Chosen paths' }).getByRole('listitem')).toHaveAttribute('title', big.path);
  await expect(push.getByRole('status', { name: 'Closure size' })).toHaveText('1 path, 64 MB of NAR');

  // No key: unsigned, after a confirmation that says why it matters.
  await expect(push.getByLabel('Sign with').locator('option:checked')).toHaveText('Don’t sign');
  await expect(push.getByText('No key here can sign.')).toBeVisible();
  await push.getByRole('button', { name: 'Push', exact: true }).click();
  const confirm = app.getByRole('dialog', { name: 'Push without signing?' });
  await expect(confirm).toContainText('silently ignore unsigned paths');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await push.getByRole('button', { name: 'Push', exact: true }).click();
  await confirm.getByRole('button', { name: 'Push unsigned' }).click();

  // xz on 64 MB of random bytes takes seconds: the bars move, with a rate and a time left.
  const progress = push.getByRole('region', { name: 'Push progress' });
  await expect(progress.getByRole('status', { name: 'Push phase' })).toHaveText('Pushing 0 of 1 path');
  await expect(progress.getByRole('progressbar', { name: 'NAR bytes read' })).toHaveAttribute('aria-valuetext', /^[\d.]+ (B|kB|MB) of 64 MB read$/);
  await expect(progress.getByLabel('Throughput')).toHaveText(/\/s read · (about .* left|less than a second left)$/);
  await shot(app, 'push-progress');

  // After a reload the screen finds the running push again.
  await app.reload();
  await screens(app).getByRole('button', { name: 'Push' }).click();
  await expect(progress.getByRole('status', { name: 'Push phase' })).toHaveText('Pushing 0 of 1 path');

  await progress.getByRole('button', { name: 'Show in Jobs' }).click();
  const job = jobsPanel(app).getByRole('listitem', { name: new RegExp(`^Push ${big.name} to `) });
  await expect(job).toContainText('Running');
  await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '0 of 1 path pushed');
  await jobsPanel(app).getByRole('button', { name: 'Close jobs' }).click();

  await progress.getByRole('button', { name: 'Cancel' }).click();
  const result = push.getByRole('region', { name: 'Push result' });
  await expect(result.getByRole('alert')).toContainText('The push was cancelled.');
  // Back to the options, and quicker this time.
  await result.getByRole('button', { name: 'Back to the options' }).click();
  await expect(push.getByRole('status', { name: 'Already in the cache' })).toHaveText(/^0 of 1 path/);
  await push.getByLabel('Compression').selectOption('none');
  await push.getByRole('button', { name: 'Push', exact: true }).click();
  await confirm.getByRole('button', { name: 'Push unsigned' }).click();
  const summary = push.getByRole('region', { name: 'Push summary' });
  await expect(summary.getByLabel('Pushed', { exact: true })).toHaveText('1 path');
  await expect(summary).toContainText('unsigned');
  // Nothing roots the big path: leave the store as it was.
  await run('nix-store', ['--delete', big.path], { env: nixEnv() }).catch(() => undefined);
});

test('a dropped file inside a store path; the closure follows the cache chosen in the sidebar; chips remove', async ({ app, workDir }) => {
  const fixture = await buildFixtureClosure('e2e-push-drop');
  // Another folder cache that already has the leaf (nix copy wrote it).
  const other = path.join(workDir, 'other-cache');
  await nixCopyToFile(other, [fixture.all[0]!]);
  await addFolderCache(app, 'Other', other);

  await screens(app).getByRole('button', { name: 'Push' }).click();
  const push = pushScreen(app);
  await expect(push.getByRole('heading', { name: 'Push to Other' })).toBeVisible();
  // A file manager drops a file:// URI of a file inside the top path: the store path is chosen.
  const field = push.getByLabel('Store path or result link');
  const drop = await app.evaluateHandle((uri) => {
    const data = new DataTransfer();
    data.setData('text/uri-list', uri);
    return data;
  }, `file://${fixture.top}/lib-path`);
  await field.dispatchEvent('drop', { dataTransfer: drop });
  const chips = push.getByRole('list', { name: 'Chosen paths' }).getByRole('listitem');
  await expect(chips).toHaveText([/narwhal-fixture-e2e-push-drop-top/]);
  await expect(push.getByRole('status', { name: 'Already in the cache' })).toHaveText(/^1 of 3 paths, [\d.]+ (B|kB) of [\d.]+ (B|kB) already in Other$/);
  const rows = push.getByRole('list', { name: 'Paths in the closure' }).getByRole('listitem');
  await expect(rows.filter({ hasText: 'narwhal-fixture-e2e-push-drop-leaf' })).toContainText('in cache');
  await expect(rows.filter({ hasText: 'narwhal-fixture-e2e-push-drop-top' })).toContainText('to push');

  // Choosing another cache in the sidebar asks again, against that one.
  await ui.cacheButton(app, 'Local cache').click();
  await expect(push.getByRole('heading', { name: 'Push to Local cache' })).toBeVisible();
  await expect(push.getByRole('status', { name: 'Already in the cache' })).toHaveText(/^0 of 3 paths, 0 B of [\d.]+ (B|kB) already in Local cache$/);

  // A narrow window stacks the columns instead of scrolling sideways.
  await app.setViewportSize({ width: 900, height: 800 });
  expect(await push.evaluate((main) => main.scrollWidth <= main.clientWidth)).toBe(true);
  await shot(app, 'push-narrow');

  await push.getByRole('button', { name: 'Remove narwhal-fixture-e2e-push-drop-top' }).click();
  await expect(push.getByText('Nothing chosen yet.')).toBeVisible();
  await expect(push.getByRole('region', { name: 'Closure' })).toBeHidden();
  await expect(push.getByRole('button', { name: 'Push', exact: true })).toBeDisabled();
});

test('a cache that cannot be read: the closure says why, the push fails plainly and can be tried again', async ({ app, workDir }) => {
  const fixture = await buildFixtureClosure('e2e-push-broken');
  const dir = path.join(workDir, 'broken-cache');
  await addFolderCache(app, 'Broken', dir);
  // The folder turns into a file behind Narwhal's back.
  await fs.rm(dir, { recursive: true, force: true });
  await fs.writeFile(dir, 'not a folder');

  await screens(app).getByRole('button', { name: 'Push' }).click();
  const push = pushScreen(app);
  await push.getByLabel('Store path or result link').fill(fixture.top);
  await push.getByLabel('Store path or result link').press('Enter');
  const closure = push.getByRole('region', { name: 'Closure' });
  await expect(closure.getByRole('alert')).toContainText('Could not read the closure:');
  await expect(closure.getByRole('button', { name: 'Try again' })).toBeVisible();

  await push.getByRole('button', { name: 'Push', exact: true }).click();
  await app.getByRole('dialog', { name: 'Push without signing?' }).getByRole('button', { name: 'Push unsigned' }).click();
  const result = push.getByRole('region', { name: 'Push result' });
  await expect(result.getByRole('alert')).toContainText('The push failed.');
  await shot(app, 'push-failed');
  await result.getByRole('button', { name: 'Try again' }).click();
  await expect(result.getByRole('alert')).toContainText('The push failed.');
  await result.getByRole('button', { name: 'Back to the options' }).click();
  await expect(push.getByRole('button', { name: 'Push', exact: true })).toBeEnabled();
});
