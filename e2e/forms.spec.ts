import fs from 'node:fs/promises';
import path from 'node:path';
import { addCacheByUrl, expect, shot, test, ui } from './fixtures';

test('the store URL in the Add dialog wraps between its settings, never inside one', async ({ app }) => {
  await app.getByRole('button', { name: 'Add cache' }).first().click();
  const dialog = ui.addDialog(app);
  const url =
    's3://bars02-nix-cache-artifacts?region=eu-central-1&endpoint=s3.eu-central-1.wasabisys.com&scheme=https&profile=production-deployer&addressing-style=path';
  await dialog.getByLabel('Import from Nix store URL').fill(url);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  const preview = dialog.getByRole('status', { name: 'Store URL' });
  await expect(preview).toHaveText(url);
  // It does wrap (it is longer than the box), and every part sits on one line.
  const lines = await preview.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight || '18')));
  expect(lines).toBeGreaterThan(1);
  const split = await preview.locator('.wrapping-url__part').evaluateAll((parts) => parts.filter((p) => p.getClientRects().length !== 1 || p.getBoundingClientRect().height > 24).map((p) => p.textContent));
  expect(split).toEqual([]);
  await shot(app, 'form-long-url');
});

test('with no caches at all, the main panel says so and offers to add or import one', async ({ app }) => {
  await app.getByRole('button', { name: 'Remove…' }).click();
  await app.getByRole('dialog', { name: 'Remove Local cache?' }).getByRole('button', { name: 'Remove cache' }).click();
  const empty = app.getByRole('main', { name: 'No caches' });
  await expect(empty.getByText('No caches yet', { exact: true })).toBeVisible();
  await expect(app.getByText('No cache selected')).toHaveCount(0);
  await expect(empty.getByRole('button', { name: 'Add cache…' })).toBeVisible();
  await shot(app, 'no-caches-empty-state');

  await empty.getByRole('button', { name: 'Import store URL…' }).click();
  const dialog = ui.addDialog(app);
  await expect(dialog.getByLabel('Import from Nix store URL')).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(empty.getByRole('button', { name: 'Import store URL…' })).toBeFocused();
  await empty.getByRole('button', { name: 'Add cache…' }).click();
  await expect(dialog.getByLabel('Name', { exact: true })).toBeFocused();
});

test('connections to one bucket are told apart in the sidebar, with the full store URL as a tooltip', async ({ app }) => {
  // Four connections Narwhal keeps apart (another server, another scheme, AWS): their subtitles differ.
  const urls = [
    's3://bars02?endpoint=127.0.0.1:9&scheme=http',
    's3://bars02?endpoint=127.0.0.2:9&scheme=http',
    's3://bars02?region=eu-west-1&profile=narwhal-test',
    's3://bars02?endpoint=127.0.0.1:9',
  ];
  for (const url of urls) await addCacheByUrl(app, 'bars02', url);
  const entries = ui.sidebar(app).getByRole('button', { name: /^bars02/ });
  await expect(entries).toHaveCount(4);
  const subtitles = await entries.locator('.cache-link__detail').allInnerTexts();
  expect(subtitles).toEqual(['http://127.0.0.1:9 · bars02', 'http://127.0.0.2:9 · bars02', 'eu-west-1 · bars02 · profile narwhal-test', '127.0.0.1:9 · bars02']);
  for (const [index, url] of urls.entries()) await expect(entries.nth(index)).toHaveAttribute('title', url);
  await shot(app, 'sidebar-same-bucket');
});

test('Initialise on a cache that has nix-cache-info starts from its values and says what changes', async ({ app, workDir }) => {
  // The built-in cache: WantMassQuery and Priority set.
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await app.getByRole('button', { name: 'Initialise…' }).click();
  let dialog = app.getByRole('dialog', { name: 'Initialise Local cache' });
  await expect(dialog.getByLabel('Current nix-cache-info')).toContainText('WantMassQuery yes, Priority 30');
  await expect(dialog.getByRole('checkbox', { name: /WantMassQuery/ })).toBeChecked();
  await expect(dialog.getByLabel('Priority', { exact: true })).toHaveValue('30');
  await expect(dialog.getByRole('status', { name: 'What changes' })).toHaveText('Nothing changes: nix-cache-info keeps its current values.');
  await dialog.getByLabel('Priority', { exact: true }).fill('45');
  await expect(dialog.getByRole('status', { name: 'What changes' })).toContainText('Priority: 30 → 45');
  await app.keyboard.press('Escape');

  // A cache with only StoreDir: the unset fields stay unset unless the user sets them.
  const bare = path.join(workDir, 'bare-cache');
  await fs.mkdir(bare);
  await fs.writeFile(path.join(bare, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  await addCacheByUrl(app, 'Bare', `file://${bare}`);
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await app.getByRole('button', { name: 'Initialise…' }).click();
  dialog = app.getByRole('dialog', { name: 'Initialise Bare' });
  await expect(dialog.getByRole('checkbox', { name: /WantMassQuery/ })).not.toBeChecked();
  const priority = dialog.getByLabel('Priority', { exact: true });
  await expect(priority).toHaveValue('');
  await expect(dialog.getByRole('status', { name: 'What changes' })).toHaveText('Nothing changes: nix-cache-info keeps its current values.');

  // Like every form: the button is enabled, a bad value is explained next to the field, which gets the focus.
  await priority.fill('2000');
  const submit = dialog.getByRole('button', { name: 'Initialise', exact: true });
  await expect(submit).toBeEnabled();
  await submit.click();
  await expect(dialog.getByText('Priority: A whole number from 0 to 1000.')).toBeVisible();
  await expect(priority).toBeFocused();

  await priority.fill('40');
  await expect(dialog.getByRole('status', { name: 'What changes' })).toContainText('Priority: unset → 40');
  await shot(app, 'initialise-existing');
  await submit.click();
  const done = app.getByRole('dialog', { name: 'Initialised Bare' });
  await expect(done).toContainText('WantMassQuery unset, Priority 40');
  await done.getByRole('button', { name: 'Done' }).click();
  // Only what the user changed is written; the unset WantMassQuery stays unset.
  const written = await fs.readFile(path.join(bare, 'nix-cache-info'), 'utf8');
  expect(written).toContain('Priority: 40');
  expect(written).not.toContain('WantMassQuery');
});
