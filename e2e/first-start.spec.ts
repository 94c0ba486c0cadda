import { expect, shot, test, ui } from './fixtures';

test('first start shows the built-in Local cache, selected, tested and empty', async ({ app, narwhal }) => {
  const local = ui.cacheButton(app, 'Local cache');
  await expect(local).toHaveAttribute('aria-current', 'true');
  await expect(ui.title(app)).toHaveText('Local cache');
  await expect(app.getByRole('main').getByText('Local folder', { exact: true })).toBeVisible();

  const storeUrl = `file://${narwhal.dataDir}/local-cache`;
  await expect(app.getByRole('main').getByRole('code').first()).toHaveText(storeUrl);
  await expect(ui.testStatus(app)).toContainText('Nix cache OK');
  await expect(ui.testStatus(app)).toContainText('Priority 30');

  await expect(app.getByText('This cache is empty')).toBeVisible();
  await expect(app.getByText(`nix copy --to '${storeUrl}' ./result`)).toBeVisible();
  await expect(ui.pathCount(app)).toHaveText('0 paths');
  await shot(app, 'first-start');
});
