import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../../shared/api/jobs';
import { describeJob } from './describe-job';

const base: JobView = { id: 'job-x-00000000', kind: 'browse.listPaths', title: 'List', state: 'running', input: {}, createdAt: 0 };

describe('describeJob', () => {
  it('says how far a listing got, with no fraction while it runs', () => {
    expect(describeJob({ ...base, progress: { listed: 12_000, pages: 12 } })).toEqual({ detail: '12,000 paths listed in 12 pages so far' });
    expect(describeJob({ ...base, state: 'done', progress: { listed: 5, pages: 1 }, output: { total: 5 } })).toEqual({ fraction: 1, detail: '5 paths listed' });
    expect(describeJob({ ...base, state: 'failed', progress: { listed: 1, pages: 1 } })).toEqual({ detail: '1 path listed in 1 page' });
  });

  it('says how far an index refresh got: keys listed, then narinfos read of those to read, with errors; what changed when done', () => {
    const refresh = { ...base, kind: 'index.refresh' };
    expect(describeJob({ ...refresh, progress: { phase: 'listing', listed: 3_000, toRead: 0, read: 0, errors: 0 } })).toEqual({ detail: '3,000 keys listed so far' });
    expect(describeJob({ ...refresh, progress: { phase: 'reading', listed: 20_000, toRead: 400, read: 100, errors: 2 } })).toEqual({ fraction: 0.25, detail: '20,000 keys listed, 100 of 400 narinfos read, 2 errors' });
    expect(describeJob({ ...refresh, state: 'failed', progress: { phase: 'reading', listed: 1, toRead: 1, read: 0, errors: 0 } })).toEqual({ detail: '1 key listed, 0 of 1 narinfo read' });
    const summary = { total: 20_000, added: 3, changed: 1, removed: 2, unchanged: 19_996, read: 4, errors: 1, elapsedMs: 900 };
    expect(describeJob({ ...refresh, state: 'done', output: summary })).toEqual({ fraction: 1, detail: '20,000 paths indexed, 4 narinfos read, 3 added, 1 changed, 2 removed, 1 narinfo unusable' });
    expect(describeJob({ ...refresh, state: 'done', output: { ...summary, added: 0, changed: 0, removed: 0, read: 0, errors: 0 } })).toEqual({ fraction: 1, detail: '20,000 paths indexed, 0 narinfos read' });
  });

  it('says how far a NAR download, extraction or integrity check got, and what it produced', () => {
    const download = { ...base, kind: 'nar.download' };
    expect(describeJob({ ...download, progress: { bytes: 2_500_000, total: 10_000_000 } })).toEqual({ fraction: 0.25, detail: '2.5 MB of 10 MB downloaded' });
    expect(describeJob({ ...download, progress: { bytes: 700 } })).toEqual({ detail: '700 B downloaded' });
    expect(describeJob({ ...download, state: 'done', output: { file: '/tmp/x.nar.xz', bytes: 10_000_000, checked: true } })).toEqual({ fraction: 1, detail: '10 MB saved to /tmp/x.nar.xz, checked against the narinfo' });
    const extract = { ...base, kind: 'nar.extract' };
    expect(describeJob({ ...extract, state: 'cancelled', progress: { bytes: 1000, total: 4000 } })).toEqual({ detail: '1.0 kB of 4.0 kB read' });
    expect(describeJob({ ...extract, state: 'done', output: { target: '/tmp/out', directories: 2, files: 1, symlinks: 0, bytes: 5 } })).toEqual({ fraction: 1, detail: '1 file, 2 folders and 0 links extracted to /tmp/out' });
    const verify = { ...base, kind: 'nar.verify' };
    expect(describeJob({ ...verify, progress: { fileBytes: 1_000_000, fileSize: 2_000_000, narBytes: 3_000_000, narSize: 6_000_000 } })).toEqual({ fraction: 0.5, detail: '1.0 MB downloaded, 3.0 MB of 6.0 MB of NAR checked' });
    const checks = [{ check: 'fileSize', status: 'ok' }, { check: 'fileHash', status: 'failed' }, { check: 'narHash', status: 'skipped' }];
    expect(describeJob({ ...verify, state: 'done', output: { ok: false, checks } })).toEqual({ fraction: 1, detail: 'Damaged: 1 check failed' });
    expect(describeJob({ ...verify, state: 'done', output: { ok: true, checks: checks.slice(0, 1) } })).toEqual({ fraction: 1, detail: 'Intact: 1 check passed' });
    expect(describeJob({ ...verify, state: 'queued' })).toEqual({ detail: 'Waiting for other jobs to finish' });
  });

  it('falls back to done of total for kinds it has no words for', () => {
    expect(describeJob({ ...base, kind: 'push.paths', progress: { done: 3, total: 12 } })).toEqual({ fraction: 0.25, detail: '3 of 12' });
    expect(describeJob({ ...base, kind: 'push.paths', state: 'queued' })).toEqual({ detail: 'Waiting for other jobs to finish' });
  });

  it('says how far a push got, by NAR bytes read, and what it did', () => {
    const push = { ...base, kind: 'push.run' };
    const counts = { pathsTotal: 4, pathsDone: 1, narBytesTotal: 1000, narBytesRead: 250, fileBytesUploaded: 100 };
    expect(describeJob({ ...push, progress: { phase: 'closure', ...counts } })).toEqual({ detail: 'Reading the closure' });
    expect(describeJob({ ...push, progress: { phase: 'pushing', ...counts } })).toEqual({ fraction: 0.25, detail: '1 of 4 paths pushed' });
    expect(describeJob({ ...push, state: 'cancelled', progress: { phase: 'pushing', ...counts } })).toEqual({ detail: '1 of 4 paths pushed' });
    expect(describeJob({ ...push, state: 'done', progress: { phase: 'pushing', ...counts }, output: { pushed: 4, skipped: 2 } })).toEqual({ fraction: 1, detail: '4 paths pushed, 2 already there' });
  });

  it('says how far signing got, by paths looked at, and what it did', () => {
    const sign = { ...base, kind: 'sign.run' };
    expect(describeJob({ ...sign, progress: { phase: 'listing', listed: 3 } })).toEqual({ detail: 'Listing the cache: 3 narinfos so far' });
    expect(describeJob({ ...sign, progress: { phase: 'closure', found: 2, failed: 0 } })).toEqual({ detail: 'Following references in the cache: 2 paths found' });
    const signing = { phase: 'signing', done: 1, total: 4, signed: 1, alreadySigned: 0, failed: 0 };
    expect(describeJob({ ...sign, progress: signing })).toEqual({ fraction: 0.25, detail: '1 of 4 paths looked at: 1 signed, 0 signed already' });
    expect(describeJob({ ...sign, state: 'cancelled', progress: signing })).toEqual({ detail: '1 of 4 paths looked at: 1 signed, 0 signed already' });
    expect(describeJob({ ...sign, state: 'done', progress: signing, output: { signed: 3, alreadySigned: 1, failedCount: 2 } })).toEqual({ fraction: 1, detail: '3 paths signed, 1 signed already, 2 failed' });
  });

  it('says how far a copy got, by NAR bytes read once it copies, and what it did', () => {
    const copy = { ...base, kind: 'copy.run' };
    const counts = { listed: 0, narinfosRead: 0, pathsTotal: 4, pathsDone: 1, narBytesTotal: 1000, narBytesRead: 250, fileBytesUploaded: 100 };
    expect(describeJob({ ...copy, progress: { ...counts, phase: 'listing', listed: 7 } })).toEqual({ detail: 'Listing the destination: 7 narinfos so far' });
    expect(describeJob({ ...copy, progress: { ...counts, phase: 'reading', narinfosRead: 3 } })).toEqual({ detail: 'Reading the closure from the source: 3 narinfos so far' });
    expect(describeJob({ ...copy, progress: { ...counts, phase: 'copying' } })).toEqual({ fraction: 0.25, detail: '1 of 4 paths copied' });
    expect(describeJob({ ...copy, state: 'failed', progress: { ...counts, phase: 'copying' } })).toEqual({ detail: '1 of 4 paths copied' });
    expect(describeJob({ ...copy, state: 'queued' })).toEqual({ detail: 'Waiting for other jobs to finish' });
    expect(describeJob({ ...copy, state: 'done', progress: { ...counts, phase: 'copying' }, output: { copied: 3, skipped: 1 } })).toEqual({ fraction: 1, detail: '3 paths copied, 1 already there' });
  });
});
