import { PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand, PutObjectCommand, GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { createBucket, s3Client, uniqueBucketName } from '../scripts/testbed/s3';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { addCacheByUrl, expect, profiles, shot, test } from './fixtures';
import { screensDir } from './paths';

/** A screenshot of one panel, legible at its own size. */
const panelShot = (panel: Locator, name: string) => panel.screenshot({ path: path.join(screensDir, `${name}.png`) });

// The live probe and the lifecycle rules of an S3 cache, on the Policy tab, against the real RGW.

// Tall enough for each panel to be photographed whole.
test.use({ viewport: { width: 1280, height: 1300 } });

const storeUrl = (bucket: string, port: number) => `s3://${bucket}?endpoint=127.0.0.1:${port}&scheme=http&profile=${profiles.good}`;

test('lifecycle rules: a warning on an expiration, the abort-uploads suggestion added with one click, a rule deleted', async ({ app, testbed }) => {
  const s3 = s3Client(testbed);
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-lifecycle'));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'nix-cache-info', Body: 'StoreDir: /nix/store\n' }));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [
          { ID: 'expire-everything', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 30 } },
          { ID: 'old-logs', Status: 'Enabled', Filter: { Prefix: 'log/' }, Expiration: { Days: 90 } },
        ],
      },
    }),
  );
  await addCacheByUrl(app, 'Lifecycle cache', storeUrl(bucket, testbed.port));
  await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Policy' }).click();

  const panel = app.getByRole('region', { name: 'Lifecycle rules' });
  const table = panel.getByRole('table', { name: 'Lifecycle rules' });
  await expect(table.getByRole('row')).toHaveCount(3);
  const expiring = table.getByRole('row', { name: /expire-everything/ });
  await expect(expiring).toContainText('Delete objects 30 days after they are written');
  await expect(expiring.getByRole('note')).toContainText('NixOS/nix#13833');
  await expect(table.getByRole('row', { name: /old-logs/ }).getByRole('note')).toContainText('holds no narinfos, NARs or nix-cache-info');
  const suggestion = panel.locator('[data-code="abort-incomplete-uploads-missing"]');
  await expect(suggestion).toContainText('No rule aborts incomplete multipart uploads');
  await panelShot(panel, 'lifecycle-rules');

  await suggestion.getByRole('button', { name: /Add a rule: abort incomplete uploads after 7 days/ }).click();
  const confirm = app.getByRole('dialog', { name: 'Add a rule that aborts incomplete uploads?' });
  // The confirmation repeats the warning of the configuration it leaves.
  await expect(confirm.getByRole('note')).toContainText('Rule "expire-everything" deletes');
  await shot(app, 'lifecycle-confirm');
  await confirm.getByRole('button', { name: 'Add rule' }).click();
  await expect(confirm).toBeHidden();
  await expect(table.getByRole('row', { name: /abort-incomplete-multipart-uploads/ })).toContainText('Abort incomplete uploads after 7 days');
  await expect(suggestion).toBeHidden();

  await table.getByRole('button', { name: 'Delete expire-everything' }).click();
  const del = app.getByRole('dialog', { name: 'Delete expire-everything?' });
  await del.getByRole('button', { name: 'Delete rule' }).click();
  await expect(del).toBeHidden();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('row', { name: /expire-everything/ })).toHaveCount(0);

  // What the bucket has now, read back with the SDK.
  const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  expect(rules.map((r) => r.ID).sort()).toEqual(['abort-incomplete-multipart-uploads', 'old-logs']);
  expect(rules.find((r) => r.ID === 'abort-incomplete-multipart-uploads')?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(7);

  // Adding a rule through the form.
  await panel.getByRole('button', { name: 'Add rule…' }).click();
  const form = app.getByRole('dialog', { name: 'Add a lifecycle rule' });
  await form.getByLabel('Rule ID').fill('nar-expiry');
  await form.getByLabel('Applies to keys starting with').fill('nar/');
  await form.getByLabel('Delete objects after').fill('0');
  await form.getByRole('button', { name: 'Review…' }).click();
  await expect(form).toContainText('give a whole number of days, 1 or more (not "0")');
  await form.getByLabel('Delete objects after').fill('60');
  await form.getByRole('button', { name: 'Review…' }).click();
  const review = app.getByRole('dialog', { name: 'Add nar-expiry?' });
  await expect(review.getByRole('note')).toContainText('Rule "nar-expiry" deletes NARs (nar/…) 60 days after');
  await review.getByRole('button', { name: 'Cancel' }).click();
  await expect(table.getByRole('row')).toHaveCount(3);
  await panelShot(panel, 'lifecycle-after');
  s3.destroy();
});

test('the live probe: a public cache without ListBucket, and a bucket more open than its policy says', async ({ app, testbed }) => {
  const s3 = s3Client(testbed);
  const open = await createBucket(testbed, uniqueBucketName('e2e-probe'));
  await s3.send(new PutObjectCommand({ Bucket: open, Key: 'nix-cache-info', Body: 'StoreDir: /nix/store\n' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: open,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${open}/*`] }] }),
    }),
  );
  await addCacheByUrl(app, 'Public cache', storeUrl(open, testbed.port));
  await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Policy' }).click();
  const probe = app.getByRole('region', { name: 'Live probe' });
  await expect(probe).toContainText('Not probed yet.');
  await probe.getByRole('button', { name: 'Run the probe' }).click();
  const results = probe.getByRole('table', { name: 'Probe results' });
  await expect(results.getByRole('row')).toHaveCount(5);
  await expect(results.locator('[data-step="anonymous-cache-info"]')).toContainText('200');
  await expect(results.locator('[data-step="anonymous-missing-narinfo"]')).toContainText('403 AccessDenied');
  await expect(results.locator('[data-step="anonymous-missing-narinfo"]')).toContainText('Granting s3:ListBucket makes misses 404');
  await expect(results.locator('[data-step="write-put"]')).toContainText('200');
  await expect(results.locator('[data-step="write-delete"]')).toContainText('204');
  await expect(probe.getByRole('note').first()).toContainText('agree with the bucket policy');
  await panelShot(probe, 'probe');

  // No policy at all, but the object itself is public-read by its ACL: the probe gets 200 where the policy says 403.
  const acl = await createBucket(testbed, uniqueBucketName('e2e-probe-acl'));
  await s3.send(new PutObjectCommand({ Bucket: acl, Key: 'nix-cache-info', Body: 'StoreDir: /nix/store\n', ACL: 'public-read' }));
  await addCacheByUrl(app, 'ACL cache', storeUrl(acl, testbed.port));
  await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Policy' }).click();
  const probe2 = app.getByRole('region', { name: 'Live probe' });
  await probe2.getByRole('button', { name: 'Run the probe' }).click();
  const row = probe2.locator('[data-step="anonymous-cache-info"]');
  await expect(row).toHaveClass(/probe-row--disagrees/);
  await expect(row).toContainText('Disagrees with the policy: expected 403 (anonymous reads refused), got 200.');
  await expect(row).toContainText('more open than its policy says');
  await expect(probe2.locator('[data-step="anonymous-missing-narinfo"]')).not.toHaveClass(/probe-row--disagrees/);
  await expect(probe2.getByRole('note').first()).toContainText('disagree on 1 request');
  await panelShot(probe2, 'probe-disagrees');
  s3.destroy();
});
