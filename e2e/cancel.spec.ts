import { addCacheByUrl, expect, profiles, test, ui } from './fixtures';
import { startStallingS3 } from './stalling-s3';

test('leaving a cache while it is being listed cancels the listing job, down to the S3 request', async ({ app, sentMessages }) => {
  const keys = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0').replace(/[eotu]/g, '0')}${'a'.repeat(28)}.narinfo`);
  const s3 = await startStallingS3('stalling-bucket', keys);
  try {
    await addCacheByUrl(app, 'Stalling', `s3://${s3.bucket}?endpoint=${s3.endpoint}&scheme=http&profile=${profiles.good}`);
    await expect(ui.pathCount(app)).toHaveText('Listing… 1,000 paths so far');
    await expect(app.getByRole('progressbar', { name: 'Listing store paths' })).toBeVisible();
    await s3.stalled;
    const job = sentMessages.filter((m) => m.request?.kind === 'job.start' && m.request.channel === 'browse.listPaths').pop()!;

    await ui.cacheButton(app, 'Local cache').click();
    await expect(ui.title(app)).toHaveText('Local cache');
    await expect.poll(() => sentMessages.some((m) => m.request?.kind === 'job.cancel' && m.request.jobId === job.request!.jobId)).toBe(true);
    // The main process aborted the S3 request the job was waiting on.
    await s3.abandoned;

    // Coming back starts a new listing rather than showing a half one.
    await ui.cacheButton(app, 'Stalling').click();
    await expect(ui.pathCount(app)).toHaveText('Listing… 1,000 paths so far');
  } finally {
    await s3.close();
  }
});
