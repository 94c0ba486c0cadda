import { expect, test, ui } from './fixtures';

// After a dialog closes, the focus is back on the button that opened it, so a keyboard user goes on
// from where they were (not from the top of the page).
test('closing a dialog, whichever way, gives the focus back to the button that opened it', async ({ app }) => {
  const edit = app.getByRole('button', { name: 'Edit…' });
  await edit.click();
  const editDialog = app.getByRole('dialog', { name: 'Edit Local cache' });
  await expect(editDialog.getByLabel('Name', { exact: true })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(editDialog).toBeHidden();
  await expect(edit).toBeFocused();

  // Opened from the keyboard, closed with Cancel.
  const add = app.getByRole('complementary', { name: 'Saved caches' }).getByRole('button', { name: 'Add cache' });
  await add.focus();
  await app.keyboard.press('Enter');
  await ui.addDialog(app).getByRole('button', { name: 'Cancel' }).click();
  await expect(ui.addDialog(app)).toBeHidden();
  await expect(add).toBeFocused();

  // Closed with the × button.
  const remove = app.getByRole('button', { name: 'Remove…' });
  await remove.click();
  await app.getByRole('dialog', { name: 'Remove Local cache?' }).getByRole('button', { name: 'Close' }).click();
  await expect(remove).toBeFocused();

  // A dialog that turns into its result (Initialise, then Done) still returns to its opener.
  const initialise = app.getByRole('button', { name: 'Initialise…' });
  await initialise.click();
  await app.getByRole('dialog', { name: 'Initialise Local cache' }).getByRole('button', { name: 'Initialise', exact: true }).click();
  await app.getByRole('dialog', { name: 'Initialised Local cache' }).getByRole('button', { name: 'Done' }).click();
  await expect(initialise).toBeFocused();

  await app.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Keys' }).click();
  const generate = app.getByRole('button', { name: 'Generate key…' });
  await generate.click();
  const dialog = app.getByRole('dialog', { name: 'Generate a signing key' });
  await dialog.getByRole('button', { name: 'Generate' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(generate).toBeFocused();

  // Delete removes the row whose button opened the dialog: the focus stays in that part of the page.
  await app.getByRole('button', { name: /^Delete narwhal-local-1/ }).click();
  await app.getByRole('dialog', { name: 'Delete narwhal-local-1?' }).getByRole('button', { name: 'Delete key' }).click();
  await expect(app.getByText('No keys yet')).toBeVisible();
  await expect(app.getByRole('region', { name: 'Your keys' })).toBeFocused();
  expect(await app.evaluate(() => document.activeElement === document.body)).toBe(false);
});
