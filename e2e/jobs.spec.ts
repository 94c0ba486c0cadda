import path from 'node:path';
import type { Page } from '@playwright/test';
import { startFaultProxy } from '../scripts/testbed/fault-proxy';
import { createBucket, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import type { RgwInfo } from '../scripts/testbed/rgw';
import { addCacheByUrl, expect, profiles, shot, test, ui } from './fixtures';
import { startStallingProxy } from './stalling-proxy';
import { writeSyntheticCache } from './synthetic-cache';

const isNextPage = (url: string | undefined) => new URL(url ?? '/', 'http://proxy').searchParams.has('continuation-token');
// Some of the first page (RGW decides how many keys a page holds), and not yet all 1001.
const firstPage = /^Listing… ([1-9]\d{0,2}|1,000) paths so far$/;

/** A real RGW bucket with more narinfos than one ListObjectsV2 page holds. */
async function twoPageBucket(testbed: RgwInfo, workDir: string, prefix: string): Promise<string> {
  const cache = writeSyntheticCache(path.join(workDir, prefix), 1001);
  const bucket = await createBucket(testbed, uniqueBucketName(prefix));
  await uploadDir(testbed, bucket, cache.dir, { concurrency: 32 });
  return bucket;
}

const jobsPanel = (page: Page) => page.getByRole('complementary', { name: 'Jobs' });
/** The top bar's button, named "Jobs" or "Jobs 2 running". */
const jobsButton = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Jobs/ });
const listingJobStarts = (messages: Array<{ request?: { kind: string; channel?: string } }>) =>
  messages.filter((m) => m.request?.kind === 'job.start' && m.request.channel === 'browse.listPaths').length;

test('a listing survives a page reload mid-way, is re-attached, and Cancel in the Jobs panel stops its S3 request', async ({ app, sentMessages, testbed, workDir }) => {
  const bucket = await twoPageBucket(testbed, workDir, 'reload');
  // The proxy holds the request for the second page, so the listing job is still running on reload.
  const proxy = await startStallingProxy(testbed.endpoint);
  try {
    await addCacheByUrl(app, 'Stalling', `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(ui.pathCount(app)).toHaveText(firstPage);
    await proxy.stalled;
    const started = listingJobStarts(sentMessages);

    await app.reload();
    await expect(ui.title(app)).toHaveText('Stalling');
    // The same job, re-attached: its entries so far are shown, and no new listing started.
    await expect(ui.pathCount(app)).toHaveText(firstPage);
    await expect(ui.pathList(app).getByRole('option').first()).toBeVisible();
    expect(listingJobStarts(sentMessages)).toBe(started);

    await jobsButton(app).click();
    const job = jobsPanel(app).getByRole('listitem', { name: /^List the paths of s3:\/\/reload/ });
    await expect(job).toContainText('Running');
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /paths listed in 1 page so far/);
    await job.getByRole('button', { name: /^Cancel/ }).click();
    // The main process aborted the S3 request the job was waiting on.
    await proxy.abandoned;
    await expect(job).toContainText('Cancelled');
  } finally {
    await proxy.close();
  }
});

test('the Jobs panel shows running, failed and finished jobs with progress, elapsed time and the error', async ({ app, testbed, workDir }) => {
  const held = await twoPageBucket(testbed, workDir, 'held');
  const refused = await twoPageBucket(testbed, workDir, 'refused');
  const stalling = await startStallingProxy(testbed.endpoint);
  // The second page of this bucket's listing is refused as a real S3 would refuse it.
  const refusing = await startFaultProxy(testbed.endpoint, {
    decide: (req) => (isNextPage(req.url) ? { status: 403, code: 'AccessDenied', message: 'Access Denied' } : 'pass'),
  });
  try {
    await addCacheByUrl(app, 'Refused', `s3://${refused}?endpoint=${refusing.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(app.getByRole('alert').filter({ hasText: 'Could not list the store paths' })).toContainText(/Access denied/);
    await addCacheByUrl(app, 'Held', `s3://${held}?endpoint=${stalling.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(ui.pathCount(app)).toHaveText(firstPage);

    await jobsButton(app).click();
    const panel = jobsPanel(app);
    await expect(panel).toBeFocused();
    await expect(jobsButton(app)).toHaveAccessibleName('Jobs 1 running');
    const running = panel.getByRole('listitem', { name: /^List the paths of s3:\/\/held/ });
    const failed = panel.getByRole('listitem', { name: /^List the paths of s3:\/\/refused/ });
    const finished = panel.getByRole('listitem', { name: /local-cache$/ });
    await expect(running).toContainText('Running');
    await expect(failed).toContainText('Failed');
    await expect(failed.getByRole('alert')).toContainText(/Access denied/);
    await expect(finished).toContainText('Done');
    await expect(finished).toContainText('0 paths listed');
    // The running job's clock ticks.
    const elapsed = running.getByLabel('Elapsed');
    const before = await elapsed.innerText();
    await expect(elapsed).not.toHaveText(before, { timeout: 3000 });
    await shot(app, 'jobs-panel');

    // Dismissing a finished job removes it; Esc closes the panel and gives focus back to its button.
    await finished.getByRole('button', { name: /^Dismiss/ }).click();
    await expect(finished).toHaveCount(0);
    await app.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await expect(jobsButton(app)).toBeFocused();
  } finally {
    await stalling.close();
    await refusing.close();
  }
});
