import path from 'node:path';
import { createBucket, uniqueBucketName, uploadDir } from '../scripts/testbed/s3';
import { addCacheByUrl, expect, profiles, test, ui } from './fixtures';
import { startStallingProxy } from './stalling-proxy';
import { writeSyntheticCache } from './synthetic-cache';

test('leaving a cache while it is being listed cancels the listing job, down to the S3 request', async ({ app, sentMessages, testbed, workDir }) => {
  // A real RGW bucket with more narinfos than one ListObjectsV2 page holds, behind a proxy that holds
  // the second page, so the listing job is still running when the user walks away.
  const cache = writeSyntheticCache(path.join(workDir, 'synthetic'), 1001);
  const bucket = await createBucket(testbed, uniqueBucketName('stalling'));
  await uploadDir(testbed, bucket, cache.dir, { concurrency: 32 });
  const proxy = await startStallingProxy(testbed.endpoint);
  try {
    await addCacheByUrl(app, 'Stalling', `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=${profiles.good}`);
    // Some of the first page (RGW decides how many keys a page holds), and not yet all 1001.
    const firstPage = /^Listing… ([1-9]\d{0,2}|1,000) paths so far$/;
    await expect(ui.pathCount(app)).toHaveText(firstPage);
    await expect(app.getByRole('progressbar', { name: 'Listing store paths' })).toBeVisible();
    await proxy.stalled;
    const job = sentMessages.filter((m) => m.request?.kind === 'job.start' && m.request.channel === 'browse.listPaths').pop()!;

    await ui.cacheButton(app, 'Local cache').click();
    await expect(ui.title(app)).toHaveText('Local cache');
    await expect.poll(() => sentMessages.some((m) => m.request?.kind === 'job.cancel' && m.request.jobId === job.request!.jobId)).toBe(true);
    // The main process aborted the S3 request the job was waiting on.
    await proxy.abandoned;

    // Coming back starts a new listing rather than showing a half one.
    await ui.cacheButton(app, 'Stalling').click();
    await expect(ui.pathCount(app)).toHaveText(firstPage);
  } finally {
    await proxy.close();
  }
});
