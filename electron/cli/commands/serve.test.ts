import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startNarwhal } from '../../services/narwhal';
import type { CliIO } from '../io';
import { stopServing } from './serve';

function captureIo(): { io: CliIO; stderr: () => string } {
  const chunks: string[] = [];
  const stderr = new PassThrough();
  stderr.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: {}, cwd: tmpdir() }, stderr: () => chunks.join('') };
}

/** A job that runs until cancelled, then takes `cleanupMs` to clean up (or never ends, if -1). */
function startJob(narwhal: Awaited<ReturnType<typeof startNarwhal>>, id: string, cleanupMs: number, cleaned: string[]) {
  return narwhal.jobs.start({
    id,
    kind: 'test.wait',
    input: {},
    progressSchema: z.object({}),
    outputSchema: z.object({}),
    plan: {
      title: `Job ${id}`,
      run: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            if (cleanupMs < 0) return;
            setTimeout(() => {
              cleaned.push(id);
              reject(new Error('cancelled'));
            }, cleanupMs);
          }),
        ),
    },
  });
}

describe('narwhal serve stops cleanly', () => {
  it('cancels every running job, waits for them to clean up, then closes the shell', async () => {
    const narwhal = await startNarwhal({ dataDir: await mkdtemp(join(tmpdir(), 'narwhal-serve-stop-')), shell: 'browser' });
    const cleaned: string[] = [];
    startJob(narwhal, 'a', 30, cleaned);
    startJob(narwhal, 'b', 60, cleaned);
    await vi.waitFor(() => expect(narwhal.jobs.list().every((j) => j.state === 'running')).toBe(true));
    const order: string[] = [];
    const shell = { close: async () => void order.push(`closed after ${cleaned.join(',')}`) };
    const { io, stderr } = captureIo();
    await stopServing(narwhal, shell, io);
    expect(stderr()).toBe('stopping: cancelling 2 running job(s)…\n');
    expect(order).toEqual(['closed after a,b']);
    expect(narwhal.jobs.list().map((j) => j.state)).toEqual(['cancelled', 'cancelled']);
  });

  it('says nothing with no jobs, and gives up on a job that does not stop in time', async () => {
    const narwhal = await startNarwhal({ dataDir: await mkdtemp(join(tmpdir(), 'narwhal-serve-stop-')), shell: 'browser' });
    const quiet = captureIo();
    let closed = 0;
    await stopServing(narwhal, { close: async () => void closed++ }, quiet.io);
    expect(quiet.stderr()).toBe('');
    startJob(narwhal, 'stuck', -1, []);
    await vi.waitFor(() => expect(narwhal.jobs.list()[0]!.state).toBe('running'));
    const { io, stderr } = captureIo();
    await stopServing(narwhal, { close: async () => void closed++ }, io, 50);
    expect(stderr()).toBe('stopping: cancelling 1 running job(s)…\nstopping: 1 job(s) did not stop within 0.05 s; quitting anyway.\n');
    expect(closed).toBe(2);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('the real command exits 0 on %s', async (signal) => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-serve-signal-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Narwhal</title>');
    const child = spawn(process.execPath, [resolve(__dirname, '../../../bin/narwhal.mjs'), 'serve', '--data-dir', join(root, 'data'), '--renderer-dir', root], {
      env: { PATH: process.env.PATH, HOME: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    await new Promise<void>((done) => child.stdout.on('data', (c: Buffer) => c.toString().includes('Narwhal is serving at') && done()));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  }, 60_000);
});
