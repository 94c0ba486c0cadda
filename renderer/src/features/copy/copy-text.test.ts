import { describe, expect, it } from 'vitest';
import type { CopyProgressView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { runningCopyOf } from './running-copy';
import { copyBytesText, copyFraction, copyJobText, copyPhaseText, copySummaryLine } from './copy-text';

const counts = { listed: 0, narinfosRead: 0, pathsTotal: 0, pathsDone: 0, narBytesTotal: 0, narBytesRead: 0, fileBytesUploaded: 0 };
const at = (patch: Partial<CopyProgressView>): CopyProgressView => ({ phase: 'listing', ...counts, ...patch });

describe('copy progress in words', () => {
  it('names each phase with its counter', () => {
    expect(copyPhaseText(at({ phase: 'listing', listed: 1200 }), 'Dest')).toBe('Listing Dest… 1,200 narinfos');
    expect(copyPhaseText(at({ phase: 'reading', narinfosRead: 1 }), 'Dest')).toBe('Reading the closure from the source… 1 narinfo');
    expect(copyPhaseText(at({ phase: 'copying', pathsDone: 2, pathsTotal: 5 }), 'Dest')).toBe('Copying 2 of 5 paths');
    expect(copyPhaseText(at({ phase: 'copying' }), 'Dest')).toBe('Dest already has every path');
    expect(copyJobText(undefined)).toBe('Starting');
    expect(copyJobText(at({ phase: 'listing', listed: 3 }))).toBe('Listing the destination: 3 narinfos so far');
    expect(copyJobText(at({ phase: 'reading', narinfosRead: 2 }))).toBe('Reading the closure from the source: 2 narinfos so far');
    expect(copyJobText(at({ phase: 'copying', pathsDone: 1, pathsTotal: 1 }))).toBe('1 of 1 path copied');
  });

  it('has a fraction only while NARs are copied, by bytes read', () => {
    expect(copyFraction(undefined)).toBeUndefined();
    expect(copyFraction(at({ phase: 'reading', narBytesTotal: 100, narBytesRead: 50 }))).toBeUndefined();
    expect(copyFraction(at({ phase: 'copying', narBytesTotal: 0 }))).toBeUndefined();
    expect(copyFraction(at({ phase: 'copying', narBytesTotal: 400, narBytesRead: 100 }))).toBe(0.25);
  });

  it('sums a copy up: the counts, and whether the bytes were kept or recompressed', () => {
    expect(copySummaryLine({ copied: 3, skipped: 1200 })).toBe('3 paths copied, 1,200 already there');
    expect(copyBytesText({ copied: 2, narBytes: 2_500_000, fileBytes: 600_000 })).toBe('2.5 MB of NARs → 600 kB uploaded, kept as in the source');
    expect(copyBytesText({ copied: 2, narBytes: 2_500_000, fileBytes: 600_000, recompressedTo: 'zstd' })).toBe('2.5 MB of NARs → 600 kB uploaded, recompressed to zstd');
    expect(copyBytesText({ copied: 0, narBytes: 0, fileBytes: 0 })).toBe('nothing to copy');
  });
});

describe('runningCopyOf', () => {
  it('finds the newest copy still running, of any caches, and no other kind', () => {
    const job = (id: string, kind: string, state: JobView['state']): JobView => ({ id, kind, title: id, state, input: {}, createdAt: 0 });
    expect(runningCopyOf([job('p', 'push.run', 'running'), job('c1', 'copy.run', 'done'), job('c2', 'copy.run', 'queued'), job('c3', 'copy.run', 'running')])?.id).toBe('c2');
    expect(runningCopyOf([job('c1', 'copy.run', 'cancelled'), job('c0', 'copy.run', 'failed')])).toBeUndefined();
  });
});
