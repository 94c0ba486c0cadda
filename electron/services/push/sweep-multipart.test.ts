import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { CacheStore } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import type { IncompleteUpload } from '../stores/s3-store';
import { defaultSweepAgeMs, sweepIncompleteUploads, sweepNote } from './sweep-multipart';

// The age rule and the messages; the S3 side (ListMultipartUploads, AbortMultipartUpload against
// RGW, after real SIGKILLs) is proved in push-kill.int.test.ts.

const hour = 60 * 60 * 1000;
const now = Date.parse('2026-12-03T12:00:00Z');
const ago = (ms: number) => new Date(now - ms);

/** A bucket's incomplete uploads, as S3Store.abortIncompleteUploads sees and aborts them. */
function bucketWith(uploads: IncompleteUpload[], fail?: Error) {
  const calls: { prefix: string; aborted: string[] }[] = [];
  const store = {
    description: 's3://cache at http://s3.example',
    async abortIncompleteUploads(prefix: string, pick: (u: IncompleteUpload) => boolean) {
      if (fail) throw fail;
      const under = uploads.filter((u) => u.key.startsWith(prefix));
      const aborted = under.filter(pick);
      calls.push({ prefix, aborted: aborted.map((u) => u.uploadId) });
      return { aborted, kept: under.filter((u) => !aborted.includes(u)) };
    },
  };
  return { store: store as unknown as CacheStore, calls };
}

describe('sweepIncompleteUploads', () => {
  it('aborts the uploads under nar/ started more than 24 h ago, and keeps younger ones and those of unknown age', async () => {
    const { store, calls } = bucketWith([
      { key: 'nar/a.nar.xz', uploadId: 'old', initiated: ago(25 * hour) },
      { key: 'nar/b.nar.xz', uploadId: 'just-old', initiated: ago(defaultSweepAgeMs) },
      { key: 'nar/c.nar.xz', uploadId: 'young', initiated: ago(23 * hour) },
      { key: 'nar/d.nar.xz', uploadId: 'unknown-age' },
      { key: 'other/e', uploadId: 'not-ours', initiated: ago(100 * hour) },
    ]);
    const sweep = await sweepIncompleteUploads(store, { now: () => now });
    expect(calls).toEqual([{ prefix: 'nar/', aborted: ['old', 'just-old'] }]);
    expect(sweep).toEqual({ where: 's3://cache at http://s3.example', olderThanMs: defaultSweepAgeMs, aborted: 2, kept: 2 });
    expect(sweepNote(sweep)).toBe(
      'note: aborted 2 incomplete multipart uploads under nar/ in s3://cache at http://s3.example that killed pushes left more than 24 h ago (their parts are billed as storage). ' +
        'It has 2 incomplete multipart uploads under nar/ started less than 24 h ago, left alone as they may be pushes running elsewhere; a push after they are 24 h old aborts them. ' +
        'A lifecycle rule with AbortIncompleteMultipartUpload on the bucket removes them for good.',
    );
  });

  it('takes another threshold (0: every upload of known age)', async () => {
    const { store, calls } = bucketWith([
      { key: 'nar/a.nar', uploadId: 'a', initiated: ago(1000) },
      { key: 'nar/b.nar', uploadId: 'b', initiated: ago(0) },
    ]);
    const sweep = await sweepIncompleteUploads(store, { olderThanMs: 0, now: () => now });
    expect(calls[0]!.aborted).toEqual(['a', 'b']);
    expect(sweepNote(sweep)).toMatch(/^note: aborted 2 incomplete multipart uploads under nar\/ in .* more than 0 s ago/);
  });

  it('says only what there is: one young upload, or nothing at all', async () => {
    const young = await sweepIncompleteUploads(bucketWith([{ key: 'nar/a.nar', uploadId: 'a', initiated: ago(hour) }]).store, { now: () => now });
    expect(sweepNote(young)).toBe(
      'note: s3://cache at http://s3.example has 1 incomplete multipart upload under nar/ started less than 24 h ago, left alone as they may be pushes running elsewhere; ' +
        'a push after they are 24 h old aborts them. A lifecycle rule with AbortIncompleteMultipartUpload on the bucket removes them for good.',
    );
    expect(sweepNote(await sweepIncompleteUploads(bucketWith([]).store))).toBeUndefined();
  });

  it('is nothing for a folder cache', async () => {
    const folder = new FileStore(await mkdtemp(join(tmpdir(), 'narwhal-sweep-mp-')));
    expect(await sweepIncompleteUploads(folder)).toBeUndefined();
    expect(sweepNote(undefined)).toBeUndefined();
  });

  it('reports a failure (e.g. a policy without ListBucketMultipartUploads) instead of failing the push, but a cancel stays a cancel', async () => {
    const denied = new ApiError('access-denied', 'Access denied to bucket "cache": the credentials are valid, but the policy does not allow this request.');
    const sweep = await sweepIncompleteUploads(bucketWith([], denied).store);
    expect(sweep).toMatchObject({ aborted: 0, kept: 0, error: denied.message });
    expect(sweepNote(sweep)).toBe(`note: could not look for incomplete multipart uploads that killed pushes left in s3://cache at http://s3.example: ${denied.message}`);

    const controller = new AbortController();
    controller.abort(new ApiError('cancelled', 'Interrupted.'));
    const cancelled = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    await expect(sweepIncompleteUploads(bucketWith([], cancelled).store, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
