import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Page } from '@playwright/test';
import { startFaultProxy } from '../scripts/testbed/fault-proxy';
import { createBucket, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import type { RgwInfo } from '../scripts/testbed/rgw';
import { addCacheByUrl, expect, profiles, shot, test, ui } from './fixtures';
import { writeSyntheticCache } from './synthetic-cache';

/** A real RGW bucket of 1001 narinfos. */
async function bucketOf1001(testbed: RgwInfo, workDir: string, prefix: string): Promise<string> {
  const cache = writeSyntheticCache(path.join(workDir, prefix), 1001);
  const bucket = await createBucket(testbed, uniqueBucketName(prefix));
  await uploadDir(testbed, bucket, cache.dir, { concurrency: 32 });
  return bucket;
}

const isNarinfoGet = (req: IncomingMessage) => req.method === 'GET' && /\.narinfo$/.test(new URL(req.url ?? '/', 'http://proxy').pathname);
const isListing = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://proxy').searchParams.get('list-type') === '2';

/**
 * A pass-through proxy in front of RGW that lets the listings and the first 100 narinfo reads
 * through and then holds every read open, so the index refresh stays running (100 of 1,001 read).
 */
async function startHoldingProxy(rgwEndpoint: string) {
  let reads = 0;
  let onStalled!: () => void;
  let onAbandoned!: () => void;
  const stalled = new Promise<void>((resolve) => (onStalled = resolve));
  const abandoned = new Promise<void>((resolve) => (onAbandoned = resolve));
  const proxy = await startFaultProxy(rgwEndpoint, {
    decide: (req) => (isNarinfoGet(req) && ++reads > 100 ? 'hold' : 'pass'),
    onHold: () => onStalled(),
    onHeldClosed: () => onAbandoned(),
  });
  return { endpoint: proxy.endpoint, stalled, abandoned, close: () => proxy.close() };
}

const held = /^Refreshing the index… 1,001 keys listed, 100 of 1,001 narinfos read$/;
const jobsPanel = (page: Page) => page.getByRole('complementary', { name: 'Jobs' });
/** The top bar's button, named "Jobs" or "Jobs 2 running". */
const jobsButton = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Jobs/ });
const refreshJobStarts = (messages: Array<{ request?: { kind: string; channel?: string } }>) =>
  messages.filter((m) => m.request?.kind === 'job.start' && m.request.channel === 'index.refresh').length;

test('an index refresh survives a page reload mid-way, is re-attached, and Cancel in the Jobs panel stops its S3 request', async ({ app, sentMessages, testbed, workDir }) => {
  const bucket = await bucketOf1001(testbed, workDir, 'reload');
  const proxy = await startHoldingProxy(testbed.endpoint);
  try {
    await addCacheByUrl(app, 'Stalling', `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=${profiles.good}`);
    const refresh = app.getByRole('status', { name: 'Index refresh' });
    await expect(refresh).toHaveText(held);
    await proxy.stalled;
    const started = refreshJobStarts(sentMessages);
    await shot(app, 'index-refresh-running');

    await app.reload();
    await expect(ui.title(app)).toHaveText('Stalling');
    // The same job, re-attached: its progress is shown, and no new refresh started.
    await expect(refresh).toHaveText(held);
    await expect(app.getByRole('progressbar', { name: 'Refreshing the index' })).toHaveAttribute('aria-valuenow', '10');
    expect(refreshJobStarts(sentMessages)).toBe(started);

    await app.getByRole('button', { name: 'Show in Jobs' }).click();
    const job = jobsPanel(app).getByRole('listitem', { name: /^Index the paths of s3:\/\/reload/ });
    await expect(job).toContainText('Running');
    await expect(job.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /1,001 keys listed, 100 of 1,001 narinfos read/);
    await shot(app, 'jobs-index-refresh');
    await job.getByRole('button', { name: /^Cancel/ }).click();
    // The main process aborted the S3 requests the job was waiting on.
    await proxy.abandoned;
    await expect(job).toContainText('Cancelled');
  } finally {
    await proxy.close();
  }
});

test('the Jobs panel shows running, failed and finished jobs with progress, elapsed time and the error', async ({ app, testbed, workDir }) => {
  const heldBucket = await bucketOf1001(testbed, workDir, 'held');
  const refused = await bucketOf1001(testbed, workDir, 'refused');
  const holding = await startHoldingProxy(testbed.endpoint);
  // One of the 32 prefix listings of this bucket is refused as a real S3 would refuse it.
  const refusing = await startFaultProxy(testbed.endpoint, {
    decide: (req) => (isListing(req) && new URL(req.url ?? '/', 'http://proxy').searchParams.get('prefix') === 'z' ? { status: 403, code: 'AccessDenied', message: 'Access Denied' } : 'pass'),
  });
  try {
    await addCacheByUrl(app, 'Refused', `s3://${refused}?endpoint=${refusing.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(app.getByRole('alert').filter({ hasText: 'Could not list the store paths' })).toContainText(/Access denied/);
    await addCacheByUrl(app, 'Held', `s3://${heldBucket}?endpoint=${holding.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(app.getByRole('status', { name: 'Index refresh' })).toHaveText(held);

    await jobsButton(app).click();
    const panel = jobsPanel(app);
    await expect(panel).toBeFocused();
    await expect(jobsButton(app)).toHaveAccessibleName('Jobs 1 running');
    const running = panel.getByRole('listitem', { name: /^Index the paths of s3:\/\/held/ });
    const failed = panel.getByRole('listitem', { name: /^Index the paths of s3:\/\/refused/ });
    const finished = panel.getByRole('listitem', { name: /local-cache$/ });
    await expect(running).toContainText('Running');
    await expect(failed).toContainText('Failed');
    await expect(failed.getByRole('alert')).toContainText(/Access denied/);
    await expect(finished).toContainText('Done');
    await expect(finished).toContainText('0 paths indexed, 0 narinfos read');
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
    await holding.close();
    await refusing.close();
  }
});
