import { GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { notImplemented, startFaultProxy } from '../scripts/testbed/fault-proxy';
import { createBucket, s3Client, uniqueBucketName } from '../scripts/testbed/s3';
import { addCacheByUrl, expect, profiles, shot, test } from './fixtures';

/** GetObject granted on the bucket's ARN only: valid JSON that S3 accepts, and that grants nothing. */
function brokenPolicy(bucket: string): string {
  return `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::${bucket}"]
    }
  ]
}
`;
}

test('a bucket policy is started from a template, fixed with one click, saved with a diff, read back and deleted', async ({ app, testbed, receivedFrames }) => {
  test.setTimeout(90_000);
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-policy'));
  const s3 = s3Client(testbed);
  const bucketPolicy = async () => {
    try {
      return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    } catch (e) {
      if ((e as Error).name === 'NoSuchBucketPolicy') return undefined;
      throw e;
    }
  };

  try {
    await addCacheByUrl(app, 'Policy cache', `s3://${bucket}?endpoint=127.0.0.1:${testbed.port}&scheme=http&profile=${profiles.good}`);
    await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Policy' }).click();
    await expect(app).toHaveURL(/#\/caches\/[^/]+\/policy$/);

    // No policy yet: a state with templates, not an error.
    await expect(app.getByRole('heading', { name: 'No policy yet' })).toBeVisible();
    await expect(app.getByRole('status').filter({ hasText: `${bucket} has no policy` })).toBeVisible();
    await shot(app, 'policy-none');
    await app.getByRole('button', { name: /^Public cache: anyone may read/ }).click();
    const editor = app.getByRole('textbox', { name: `Bucket policy of ${bucket}` });
    await expect(editor).toContainText(`arn:aws:s3:::${bucket}/*`);
    const findings = app.getByRole('list', { name: 'Findings' });
    const summary = app.locator('.policy-findings__summary');
    await expect(summary).not.toContainText('error');

    // A broken edit: GetObject on the bucket ARN. The checker marks it inline and in the list, with a fix.
    await editor.click();
    await app.keyboard.press('ControlOrMeta+A');
    await app.keyboard.insertText(brokenPolicy(bucket));
    await expect(summary).toContainText(/\d+ errors?/);
    const mismatch = findings.getByRole('listitem').filter({ hasText: 's3:GetObject acts on objects' });
    await expect(mismatch).toHaveCount(1);
    await expect(app.locator('.cm-lintRange-error').first()).toBeVisible();
    // The location jumps into the editor, at the finding.
    await mismatch.getByRole('button', { name: /^Go to line \d+, column \d+$/ }).click();
    await expect(editor).toBeFocused();
    await app.getByRole('button', { name: 'Hide the note about the template' }).click();
    await app.locator('.policy').evaluate((el) => el.scrollTo(0, 0));
    await shot(app, 'policy-findings');

    await mismatch.getByRole('button', { name: /arn:aws:s3:::.*\/\*/ }).click();
    await expect(editor).toContainText(`"arn:aws:s3:::${bucket}/*"`);
    await expect(summary).not.toContainText('error');

    // The simulator follows the editor: anonymous reads are allowed now, writes are not.
    const simulator = app.getByRole('region', { name: 'Simulator' });
    const verdict = simulator.getByRole('status', { name: 'Simulation result' });
    await expect(verdict).toContainText('Allowed');
    await expect(verdict).toContainText(`arn:aws:s3:::${bucket}/nix-cache-info`);
    await expect(verdict.getByRole('listitem').filter({ hasText: 'PublicRead' })).toContainText('decides');
    await simulator.getByLabel('Action').fill('s3:PutObject');
    await expect(verdict).toContainText('Denied: no statement allows it');
    await simulator.getByLabel('Action').fill('s3:GetObject');
    await simulator.scrollIntoViewIfNeeded();
    await shot(app, 'policy-simulator');

    // Save: the diff (all lines new, there was no policy) and a confirmation.
    await app.getByRole('button', { name: 'Save…' }).click();
    const save = app.getByRole('dialog', { name: `Set a policy on ${bucket}` });
    const diff = save.getByRole('table', { name: 'Changes to the policy' });
    await expect(diff.getByRole('row', { name: `added: "Resource": [` })).toBeVisible();
    await expect(diff.getByRole('row', { name: /^removed/ })).toHaveCount(0);
    await shot(app, 'policy-save-new');
    await save.getByRole('button', { name: 'Save policy' }).click();
    await expect(save).toBeHidden();
    await expect(app.getByRole('status').filter({ hasText: `Saved the policy of ${bucket}.` })).toBeVisible();
    const saved = await bucketPolicy();
    expect(JSON.parse(saved!)).toMatchObject({ Statement: [{ Sid: 'PublicRead', Resource: expect.arrayContaining([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]) }] });

    // A reload reads the saved policy back from the bucket.
    await app.reload();
    await expect(editor).toContainText(`arn:aws:s3:::${bucket}/*`);
    await expect(app.getByRole('status').filter({ hasText: 'as the bucket has it' })).toBeVisible();

    // An edit of the saved policy shows old against new.
    await editor.click();
    await app.keyboard.press('ControlOrMeta+A');
    await app.keyboard.insertText(saved!.replace('"PublicRead"', '"NixCacheRead"'));
    await app.keyboard.press('ControlOrMeta+S');
    const replace = app.getByRole('dialog', { name: `Replace the policy of ${bucket}` });
    await expect(replace.getByRole('row', { name: 'removed: "Sid": "PublicRead",' })).toBeVisible();
    await expect(replace.getByRole('row', { name: 'added: "Sid": "NixCacheRead",' })).toBeVisible();
    await shot(app, 'policy-save-diff');
    await replace.getByRole('button', { name: 'Cancel' }).click();
    // Another tab and back: the unsaved edit is still there, and still says so.
    const tabs = app.getByRole('navigation', { name: 'Cache views' });
    await tabs.getByRole('link', { name: 'Stats' }).click();
    await tabs.getByRole('link', { name: 'Policy' }).click();
    await expect(editor).toContainText('"NixCacheRead"');
    await expect(app.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();

    // Meanwhile someone else changes the policy: the save is refused, and the diff then shows theirs.
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: saved!.replace('"PublicRead"', '"SomeoneElse"') }));
    await app.keyboard.press('ControlOrMeta+S');
    await replace.getByRole('button', { name: 'Save policy' }).click();
    await expect(replace.getByRole('alert')).toContainText(`The policy of bucket "${bucket}" changed since it was read`);
    await expect(replace.getByRole('row', { name: 'removed: "Sid": "SomeoneElse",' })).toBeVisible();
    await replace.getByRole('button', { name: 'Save policy' }).click();
    await expect(replace).toBeHidden();
    expect(JSON.parse((await bucketPolicy())!)).toMatchObject({ Statement: [{ Sid: 'NixCacheRead' }] });

    // Delete, after a confirmation: the bucket has no policy again.
    await app.getByRole('button', { name: 'Delete policy…' }).click();
    const confirm = app.getByRole('dialog', { name: `Delete the policy of ${bucket}` });
    await confirm.getByRole('button', { name: 'Delete policy' }).click();
    await expect(confirm).toBeHidden();
    await expect(app.getByRole('heading', { name: 'No policy yet' })).toBeVisible();
    expect(await bucketPolicy()).toBeUndefined();

    // The page never saw the credentials.
    expect(receivedFrames.join('\n')).not.toContain(testbed.admin.secretAccessKey);
  } finally {
    s3.destroy();
  }
});

test('a provider without a policy API is a state with a way forward, not an error', async ({ app, testbed }) => {
  const bucket = await createBucket(testbed, uniqueBucketName('e2e-nopolicy'));
  // RGW behind a proxy that answers every ?policy request as R2 and Garage do.
  const proxy = await startFaultProxy(testbed.endpoint, { decide: (req) => (/[?&]policy(=|&|$)/.test(req.url ?? '') ? notImplemented : 'pass') });
  try {
    await addCacheByUrl(app, 'No policy API', `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=${profiles.good}`);
    await app.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Policy' }).click();
    await expect(app.getByRole('heading', { name: 'This provider has no bucket policy API' })).toBeVisible();
    await expect(app.getByText(`http://${proxy.endpoint} has no bucket policy API`)).toBeVisible();
    await expect(app.getByRole('alert')).toHaveCount(0);

    // The uploader's IAM policy, to copy into the provider's console.
    await app.getByRole('button', { name: /^Uploader's IAM user policy/ }).click();
    const iam = app.getByRole('dialog', { name: "Uploader's IAM user policy" });
    await expect(iam.getByLabel('IAM user policy', { exact: true })).toContainText('s3:AbortMultipartUpload');
    await iam.getByRole('button', { name: 'Done' }).click();

    // A policy can still be written and checked here; it cannot be saved.
    await app.getByRole('button', { name: 'Check a policy anyway' }).click();
    await expect(app.getByRole('textbox', { name: `Bucket policy of ${bucket}` })).toBeVisible();
    await expect(app.getByRole('status').filter({ hasText: 'Checking only' })).toBeVisible();
    await expect(app.getByRole('button', { name: 'Save…' })).toBeDisabled();
    await shot(app, 'policy-unsupported');
  } finally {
    await proxy.close();
  }
});
