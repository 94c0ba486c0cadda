import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { nixEnv, run } from '../scripts/testbed/nix';

/** Steps several specs take: done through the UI as a user would, or in the real store. */

export const screens = (page: Page) => page.getByRole('navigation', { name: 'Screens' });
export const jobsPanel = (page: Page) => page.getByRole('complementary', { name: 'Jobs' });

/** Generates a signing key through the Keys screen; returns its public key. */
export async function generateKey(page: Page, name: string): Promise<string> {
  await screens(page).getByRole('button', { name: 'Keys' }).click();
  await page.getByRole('main', { name: 'Keys' }).getByRole('button', { name: 'Generate key…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Generate a signing key' });
  await dialog.getByLabel('Key name').fill(name);
  await dialog.getByRole('button', { name: 'Generate' }).click();
  const publicKey = (await dialog.getByLabel('Public key', { exact: true }).innerText()).trim();
  await dialog.getByRole('button', { name: 'Done' }).click();
  return publicKey;
}

/** One store path of `megabytes` of random bytes (incompressible: xz takes a while on it), with a name no other run used. */
export async function buildRandomPath(label: string, megabytes: number): Promise<{ path: string; name: string }> {
  const name = `narwhal-e2e-${label}-${randomBytes(4).toString('hex')}`;
  const expr = `derivation {
    name = "${name}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "/bin/dd if=/dev/urandom of=$out bs=1000000 count=${megabytes} 2>/dev/null" ];
  }`;
  return { path: (await run('nix-build', ['--no-out-link', '--expr', expr], { env: nixEnv() })).trim(), name };
}
