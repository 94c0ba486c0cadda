import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/api/jobs';
import { installQuitGuard, quitQuestion } from './quit-guard';

const job = (title: string): JobView => ({ id: `job-${title}-0000`, kind: 'browse.listPaths', title, state: 'running', input: {}, createdAt: 0 });

function setup(running: JobView[], answer: boolean) {
  let listener!: (event: { preventDefault(): void }) => void;
  const calls: string[] = [];
  const app = {
    on: (_event: 'before-quit', l: typeof listener) => (listener = l),
    quit: () => {
      calls.push('quit');
      listener({ preventDefault: () => calls.push('prevented again') });
    },
  };
  const jobs = {
    running: () => running,
    shutdown: async () => {
      calls.push('shutdown');
      running = [];
    },
  };
  const asked: JobView[][] = [];
  const guard = installQuitGuard(app, jobs, (r) => (asked.push(r), answer));
  const quit = () => {
    let prevented = false;
    listener({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  const closeWindow = () => {
    let prevented = false;
    guard.onWindowClose({ preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { quit, closeWindow, calls, asked };
}

describe('the quit guard', () => {
  it('lets the app quit at once when no job runs', () => {
    const { quit, asked } = setup([], false);
    expect(quit()).toBe(false);
    expect(asked).toEqual([]);
  });

  it('asks first with jobs running, and keeps running when told to', () => {
    const { quit, calls, asked } = setup([job('List')], false);
    expect(quit()).toBe(true);
    expect(asked).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('cancels the jobs, waits for them, then quits for real', async () => {
    const { quit, calls } = setup([job('Push')], true);
    expect(quit()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['shutdown', 'quit']);
  });

  it('asks too when the last window is closed, and keeps the window open when told to', () => {
    const { closeWindow, calls, asked } = setup([job('List')], false);
    expect(closeWindow()).toBe(true);
    expect(asked).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it('closing the window and choosing to quit asks once, then quits after the jobs ended', async () => {
    const { closeWindow, calls, asked } = setup([job('Push')], true);
    expect(closeWindow()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toEqual(['shutdown', 'quit']);
    expect(asked).toHaveLength(1);
  });

  it('names the jobs in its question', () => {
    const question = quitQuestion([job('Push 312 paths to s3://cache'), job('List the paths of /srv/cache')]);
    expect(question.message).toBe('2 jobs are still running.');
    expect(question.detail).toContain('• Push 312 paths to s3://cache');
  });
});
