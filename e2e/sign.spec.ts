import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { parsePublicKey } from '../shared/nix/keys';
import { parseNarinfo } from '../shared/nix/narinfo';
import { verifyNarinfo } from '../shared/nix/signature';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile } from '../scripts/testbed/nix';
import { addFolderCache, expect, shot, test, ui } from './fixtures';
import { generateKey, jobsPanel, screens } from './flows';
import { fastTmpRoot, writeSyntheticCache } from './synthetic-cache';

/** A signing key generated through the Keys screen, then back to the caches; its public key. */
async function generateKeyThenCaches(page: Page, name: string): Promise<string> {
  const publicKey = await generateKey(page, name);
  await screens(page).getByRole('button', { name: 'Caches' }).click();
  return publicKey;
}

test('sign the closure of a typed path in a cache nix copy wrote unsigned: then Nix substitutes it with the key trusted', async ({ app, workDir }) => {
  const fixture = await buildFixtureClosure('e2e-sign');
  const dir = path.join(workDir, 'unsigned-cache');
  await nixCopyToFile(dir, [fixture.top]);
  const publicKey = await generateKeyThenCaches(app, 'e2e-sign-1');
  // Unsigned, Nix refuses it.
  expect((await nixCopyFromHttp(`file://${dir}`, fixture.top, publicKey)).ok).toBe(false);

  await addFolderCache(app, 'Unsigned', dir);
  await expect(ui.pathCount(app)).toHaveText('3 paths');
  const open = app.getByRole('button', { name: 'Sign paths…' });
  await open.click();
  const dialog = app.getByRole('dialog', { name: 'Sign paths in Unsigned' });
  // The key is chosen and has the focus; nothing was selected in the list, so all paths is offered first.
  await expect(dialog.getByLabel('Sign with')).toBeFocused();
  await expect(dialog.getByLabel('Sign with').locator('option:checked')).toHaveText('e2e-sign-1');
  await expect(dialog.getByRole('radio', { name: /All paths in the cache/ })).toBeChecked();

  await dialog.getByRole('radio', { name: 'These paths' }).check();
  const paths = dialog.getByRole('textbox', { name: 'Store paths to sign, one a line' });
  // A line that is no path is pointed at before anything runs.
  await paths.fill(`${fixture.top}\nhello`);
  await expect(dialog.getByRole('alert')).toHaveText('line 2: “hello” is not a store path (/nix/store/<hash>-<name>), a base name or a hash');
  await paths.fill(fixture.top);
  await expect(dialog.getByRole('alert')).toBeHidden();
  await expect(dialog.getByRole('checkbox', { name: /Include their closure/ })).toBeChecked();
  await shot(app, 'sign-form');
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();

  const summary = dialog.getByLabel('Sign summary');
  await expect(summary.getByRole('status')).toHaveText('3 paths signed with e2e-sign-1, 0 signed already.');
  await expect(summary.getByLabel('Signed', { exact: true })).toHaveText('3 paths');
  await expect(summary.getByLabel('Failed', { exact: true })).toHaveText('0 paths');
  await expect(summary.getByLabel('nix.conf lines', { exact: true })).toHaveText(`extra-substituters = file://${dir}\nextra-trusted-public-keys = ${publicKey}\n`);
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await shot(app, 'sign-summary-closure');

  // The whole closure now carries the key's signature: Nix substitutes it.
  const copied = await nixCopyFromHttp(`file://${dir}`, fixture.top, publicKey);
  expect(copied.stderr).not.toMatch(/error/i);
  expect(copied.ok).toBe(true);

  // Signing again finds everything signed; Done gives the focus back to the button.
  await dialog.getByRole('button', { name: 'Sign more' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Store paths to sign, one a line' })).toHaveValue(fixture.top);
  // Requiring a trusted key's signature offers the keys Nix trusts, not the one signing; none chosen is refused here.
  await dialog.getByRole('checkbox', { name: /Only sign what a key I trust has signed/ }).check();
  const trusted = dialog.getByRole('group', { name: 'Keys to require a signature of' });
  await expect(trusted.getByRole('checkbox', { name: /cache\.nixos\.org-1/ })).toBeVisible();
  await expect(trusted.getByRole('checkbox', { name: /e2e-sign-1/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(trusted).toContainText('Choose at least one key, or sign whatever the signatures say.');
  await dialog.getByRole('checkbox', { name: /Only sign what a key I trust has signed/ }).uncheck();
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
  await expect(summary.getByLabel('Signed already', { exact: true })).toHaveText('3 paths');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();
});

test('sign all paths of a big cache: progress, Esc leaves it running in Jobs, reopening shows it, and the summary lists what failed', async ({ app }) => {
  test.setTimeout(120_000);
  const dir = await fs.mkdtemp(path.join(fastTmpRoot(), 'narwhal-e2e-sign-'));
  try {
    // Enough narinfos that signing them takes seconds; two do not parse.
    const cache = writeSyntheticCache(dir, 3_000, { broken: 2, prefix: 'signme' });
    const publicKey = await generateKeyThenCaches(app, 'e2e-sign-2');
    await addFolderCache(app, 'Big', dir);
    await expect(ui.pathCount(app)).toHaveText('3,000 paths');

    // The selected path is offered as the paths to sign.
    await ui.pathList(app).focus();
    await app.keyboard.press('Home');
    // The table's first row: by name (the broken narinfos, without one, go last).
    const first = cache.paths.filter((p) => !cache.broken.includes(p.hash)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))[0]!;
    await expect(ui.selection(app)).toHaveText(new RegExp(`^/nix/store/${first.hash}`));
    const open = app.getByRole('button', { name: 'Sign paths…' });
    await open.click();
    const dialog = app.getByRole('dialog', { name: 'Sign paths in Big' });
    await expect(dialog.getByRole('radio', { name: 'These paths' })).toBeChecked();
    await expect(dialog.getByRole('textbox', { name: 'Store paths to sign, one a line' })).toHaveValue(new RegExp(`^(/nix/store/)?${first.hash}(-${first.name})?$`));

    // The page behind the modal is inert: Tab from the last button never reaches it, and comes round
    // (past the browser's own controls, where the page has no focused element) to the dialog's first control.
    await dialog.getByRole('radio', { name: /All paths in the cache/ }).check();
    await dialog.getByRole('button', { name: 'Sign all paths' }).focus();
    const where: string[] = [];
    for (let i = 0; i < 4; i++) {
      await app.keyboard.press('Tab');
      where.push(
        await dialog.evaluate((element) =>
          element.contains(document.activeElement) ? (document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '?') : document.activeElement === document.body ? 'none' : 'outside',
        ),
      );
    }
    expect(where).not.toContain('outside');
    expect(where).toContain('Close');

    await dialog.getByRole('button', { name: 'Sign all paths' }).click();
    const bar = dialog.getByRole('progressbar', { name: 'Signing' });
    await expect(bar).toHaveAttribute('aria-valuetext', /^[\d,]+ of 3,000 paths looked at: /);
    await expect(dialog.getByRole('status', { name: 'Sign phase' })).toHaveText(/^Sign every path of .* with e2e-sign-2$/);
    await shot(app, 'sign-running');

    // Esc closes the dialog, gives the focus back, and the job runs on in Jobs.
    await app.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(open).toBeFocused();
    await app.getByRole('button', { name: 'Jobs' }).click();
    const job = jobsPanel(app).getByRole('listitem', { name: /^Sign every path of .* with e2e-sign-2$/ });
    await expect(job).toBeVisible();
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /(looked at|signed already)/);
    await jobsPanel(app).getByRole('button', { name: 'Close jobs' }).click();

    // Opening it again shows the same job: its progress, or by now its summary.
    await open.click();
    const summary = dialog.getByLabel('Sign summary');
    await expect(summary.getByRole('status')).toHaveText('2,998 paths signed with e2e-sign-2, 0 signed already, 2 failed. The failed paths were left as they were.', {
      timeout: 60_000,
    });
    const failures = summary.getByRole('list', { name: 'Paths not signed' }).getByRole('listitem');
    await expect(failures).toHaveCount(2);
    for (const hash of cache.broken) await expect(failures.filter({ hasText: `${hash}.narinfo` })).toContainText('is not a valid narinfo');
    await shot(app, 'sign-summary');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
    await app.getByRole('button', { name: 'Jobs' }).click();
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', '2,998 paths signed, 0 signed already, 2 failed');
    await jobsPanel(app).getByRole('button', { name: 'Close jobs' }).click();

    // Every narinfo that parses carries a valid signature of the key; the broken ones are as they were.
    const key = parsePublicKey(publicKey);
    const broken = new Set(cache.broken);
    let valid = 0;
    for (const { hash } of cache.paths) {
      const text = await fs.readFile(path.join(dir, `${hash}.narinfo`), 'utf8');
      if (broken.has(hash)) expect(text).not.toContain('Sig:');
      else if (verifyNarinfo(parseNarinfo(text), [key]).status === 'valid') valid += 1;
    }
    expect(valid).toBe(2_998);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
