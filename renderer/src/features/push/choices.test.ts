import { describe, expect, it } from 'vitest';
import type { KeyView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { runningPushOf } from './running-push';
import { chosenKey } from './signing-key';

const key = (id: string, secretAvailable: boolean): KeyView => ({
  id,
  name: id,
  publicKey: `${id}:x`,
  hasSecret: true,
  secretAvailable,
  encrypted: false,
  origin: 'generated',
  createdAt: '2026-01-01T00:00:00Z',
});

describe('chosenKey', () => {
  it('preselects the first key that can sign, and keeps a choice that still can', () => {
    const keys = [key('sealed', false), key('a', true), key('b', true)];
    expect(chosenKey(keys, null)).toBe('a');
    expect(chosenKey(keys, 'b')).toBe('b');
    expect(chosenKey(keys, 'unsigned')).toBe('unsigned');
  });

  it('falls back when the chosen key is gone or cannot sign, and to unsigned without any', () => {
    expect(chosenKey([key('a', true)], 'deleted')).toBe('a');
    expect(chosenKey([key('sealed', false), key('a', true)], 'sealed')).toBe('a');
    expect(chosenKey([key('sealed', false)], null)).toBe('unsigned');
    expect(chosenKey([], null)).toBe('unsigned');
  });
});

describe('runningPushOf', () => {
  const job = (id: string, over: Partial<JobView>): JobView => ({ id, kind: 'push.run', title: id, state: 'running', input: {}, subject: 'file /c', createdAt: 0, ...over });

  it('finds the newest running push of this cache only', () => {
    const jobs = [
      job('job-list-0001', { kind: 'browse.listPaths' }),
      job('job-other-001', { subject: 'file /other' }),
      job('job-done-0001', { state: 'done' }),
      job('job-run-00001', {}),
      job('job-run-00002', {}),
    ];
    expect(runningPushOf(jobs, 'file /c')?.id).toBe('job-run-00001');
    expect(runningPushOf(jobs.slice(0, 3), 'file /c')).toBeUndefined();
  });
});
