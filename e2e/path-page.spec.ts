import type { Page } from '@playwright/test';
import { nixGenerateKey } from '../scripts/testbed/nix';
import { expect, shot, test } from './fixtures';
import { baseNameOf, makeNixBucket, narinfoKey, type NixBucket } from './nix-bucket';

const nameOf = (storePath: string) => baseNameOf(storePath).slice(33);

/** The id of the cache the app shows, from the address bar (`#/caches/<id>/…`). */
async function cacheIdOf(app: Page): Promise<string> {
  await expect(app).toHaveURL(/#\/caches\/[^/]+/);
  return decodeURIComponent(/#\/caches\/([^/]+)/.exec(app.url())![1]!);
}

async function openPathPage(app: Page, bucket: NixBucket, storePath: string, tab = ''): Promise<string> {
  await bucket.addToApp(app);
  const cacheId = await cacheIdOf(app);
  await app.evaluate((hash) => (window.location.hash = hash), `#/caches/${cacheId}/paths/${baseNameOf(storePath)}${tab}`);
  await expect(app.getByRole('heading', { level: 2, name: nameOf(storePath) })).toBeVisible();
  return cacheId;
}

const signatures = (app: Page) => app.getByRole('table', { name: 'Signatures' });
const verdict = (app: Page) => app.getByRole('status', { name: 'Nix verdict' });
const tree = (app: Page) => app.getByRole('tree', { name: 'Closure tree' });

test('signatures are "key not trusted" until Nix\'s public key is trusted, then valid, and Nix accepts the path', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'path-sigs' });
  await openPathPage(app, bucket, bucket.paths.top);

  await expect(app.getByRole('table', { name: 'Narinfo fields' })).toContainText(`/nix/store/${baseNameOf(bucket.paths.top)}`);
  await expect(app.getByRole('list', { name: 'Narinfo text' })).toContainText(`StorePath: ${bucket.paths.top}`);
  const row = signatures(app).getByRole('row', { name: new RegExp(bucket.keyName) });
  await expect(row).toContainText('key not trusted');
  await expect(verdict(app)).toContainText('Nix would not accept this path');

  await app.getByText(/^Trusted keys:/).click();
  await app.getByLabel('Trust another public key').fill(bucket.publicKey);
  await app.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(row).toContainText('valid');
  await expect(row).not.toContainText('not trusted');
  await expect(verdict(app)).toContainText(`Nix accepts this path with the chosen keys. Signed by ${bucket.keyName}, a trusted key.`);
  await expect(app.getByRole('list', { name: 'References' })).toContainText(nameOf(bucket.paths.lib));
  await shot(app, 'path-overview');

  // A key of the same name but other bytes: the signature is invalid, not merely untrusted.
  await app.getByRole('button', { name: `Remove ${bucket.publicKey}` }).click();
  const impostor = (await nixGenerateKey(bucket.keyName)).public;
  await app.getByLabel('Trust another public key').fill(`${impostor} not-a-key`);
  await app.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(row).toContainText('invalid');
  await expect(row).toContainText('does not match the narinfo');
  await expect(verdict(app)).toContainText('Nix would not accept this path');
  await expect(app.getByRole('list', { name: 'Trusted keys' }).getByRole('listitem').filter({ hasText: 'not-a-key' })).toContainText('not used:');
});

test('a closure is walked: tree, keyboard, a reference opened, back, why-chain', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'path-walk', narListing: true });
  const { top, lib, leaf } = bucket.paths;
  await openPathPage(app, bucket, top);

  await app.getByRole('tab', { name: 'Closure' }).click();
  await expect(app).toHaveURL(new RegExp(`/paths/${baseNameOf(top)}/closure$`));
  const size = app.getByRole('status', { name: 'Closure size' });
  await expect(size).toContainText('Paths3');
  // The root is open: its two references are rows of the tree.
  await expect(tree(app).getByRole('treeitem')).toHaveCount(3);
  const libRow = tree(app).getByRole('treeitem', { name: nameOf(lib) });
  await expect(libRow).toHaveAttribute('aria-expanded', 'false');

  // Keyboard: down to lib, right opens it; its child is leaf again (shared with top).
  await tree(app).getByRole('treeitem').first().focus();
  await app.keyboard.press('ArrowDown');
  await expect(tree(app).getByRole('treeitem').nth(1)).toBeFocused();
  const focusedName = await tree(app).getByRole('treeitem').nth(1).getAttribute('aria-label');
  if (focusedName !== nameOf(lib)) await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowRight');
  await expect(libRow).toHaveAttribute('aria-expanded', 'true');
  await expect(tree(app).getByRole('treeitem', { name: nameOf(leaf) })).toHaveCount(2);
  await expect(tree(app).getByText('also above')).toBeVisible();
  // Left closes it again, Right reopens it.
  await app.keyboard.press('ArrowLeft');
  await expect(libRow).toHaveAttribute('aria-expanded', 'false');
  await expect(tree(app).getByRole('treeitem', { name: nameOf(leaf) })).toHaveCount(1);
  await app.keyboard.press('ArrowRight');
  await expect(libRow).toHaveAttribute('aria-expanded', 'true');

  // Why is leaf in the closure of top: it refers to it directly.
  const why = app.getByRole('status', { name: 'Why chain' });
  await app.getByLabel('Path (name, base name, hash or store path)').fill(nameOf(leaf));
  await app.getByRole('button', { name: 'Explain' }).click();
  await expect(why).toContainText(`A shortest chain: 1 reference from ${nameOf(top)}.`);
  await app.getByLabel('Path (name, base name, hash or store path)').fill('bash-5.2');
  await app.getByRole('button', { name: 'Explain' }).click();
  await expect(why).toContainText(`“bash-5.2” is not in the closure of ${nameOf(top)}`);
  await app.getByLabel('Path (name, base name, hash or store path)').fill(nameOf(lib));
  await app.getByRole('button', { name: 'Explain' }).click();
  await expect(why.getByRole('link')).toHaveText([new RegExp(nameOf(top)), new RegExp(nameOf(lib))]);
  await shot(app, 'path-closure');

  // Clicking a reference opens its page; the URL follows, and Back returns.
  await libRow.getByRole('link', { name: nameOf(lib) }).click();
  await expect(app).toHaveURL(new RegExp(`/paths/${baseNameOf(lib)}$`));
  await expect(app.getByRole('heading', { level: 2, name: nameOf(lib) })).toBeVisible();
  await expect(app.getByRole('list', { name: 'Referrers' })).toContainText(nameOf(top));
  await app.goBack();
  await expect(app).toHaveURL(new RegExp(`/paths/${baseNameOf(top)}/closure$`));
  await expect(app.getByRole('heading', { level: 2, name: nameOf(top) })).toBeVisible();
  await expect(tree(app)).toBeVisible();
  // The tree kept its open rows; Enter on a row opens that path's page.
  await expect(libRow).toHaveAttribute('aria-expanded', 'true');
  await libRow.focus();
  await app.keyboard.press('Enter');
  await expect(app).toHaveURL(new RegExp(`/paths/${baseNameOf(lib)}$`));
});

test('a reference whose narinfo was deleted is flagged missing, in the closure and the references', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'path-missing', compression: 'zstd' });
  const { top, leaf } = bucket.paths;
  await openPathPage(app, bucket, top, '/closure');
  await expect(app.getByRole('status', { name: 'Closure size' })).toContainText('Missing0');

  await bucket.deleteKey(narinfoKey(leaf));
  await app.getByRole('button', { name: 'Refresh index' }).click();
  await expect(app.getByRole('alert', { name: 'Closure incomplete' })).toContainText('1 path of the closure is missing from this cache');
  await expect(tree(app).getByRole('treeitem', { name: `${nameOf(leaf)}, missing` })).toBeVisible();
  await shot(app, 'path-closure-missing');

  await app.getByRole('tab', { name: 'Overview' }).click();
  const references = app.getByRole('list', { name: 'References' });
  await expect(references.getByRole('listitem').filter({ hasText: nameOf(leaf) })).toContainText('missing');

  // The missing path's own page says so, and who refers to it.
  await references.getByRole('link', { name: nameOf(leaf) }).click();
  await expect(app.getByRole('status', { name: 'Not in this cache' })).toContainText(`has no ${narinfoKey(leaf)}`);
  await expect(app.getByRole('list', { name: 'Referrers' })).toContainText(nameOf(top));
});

test('a malformed narinfo is shown line by line with its problems', async ({ app, testbed, workDir }) => {
  const bucket = await makeNixBucket(testbed, workDir, { label: 'path-broken', buildLogs: false });
  const { s3Client } = await import('../scripts/testbed/s3');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const fs = await import('node:fs/promises');
  const text = await fs.readFile(`${bucket.folder}/${narinfoKey(bucket.paths.lib)}`, 'utf8');
  const s3 = s3Client(testbed);
  await s3.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: narinfoKey(bucket.paths.lib), Body: text.replace(/NarSize: \d+/, 'NarSize: lots'), ContentType: 'text/x-nix-narinfo' }));
  s3.destroy();

  await openPathPage(app, bucket, bucket.paths.lib);
  const problems = app.getByRole('alert', { name: 'Narinfo problems' });
  await expect(problems).toContainText('This narinfo has 1 problem; Nix refuses it.');
  await expect(problems).toContainText('Line 7 (NarSize): "lots" is not a non-negative decimal integer');
  await expect(app.getByRole('table', { name: 'Narinfo fields' }).getByRole('row', { name: /NarSize/ })).toContainText('lots');
  await expect(signatures(app)).toContainText('cannot be checked');
  await expect(verdict(app)).toContainText('Nix cannot read this narinfo (a problem below)');
  await shot(app, 'path-malformed');
});
