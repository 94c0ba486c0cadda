import type { JobView } from '../../shared/api/jobs';

/** The parts of Electron's `app` the guard uses, so it is testable without Electron. */
export interface QuitAppLike {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface QuitJobs {
  running(): JobView[];
  shutdown(timeoutMs?: number): Promise<void>;
}

/**
 * Quitting with jobs running (a push half done, a listing of a large bucket) asks first, whether the
 * user quits the app or closes its last window (which would quit it, or leave it running with no
 * window at all). Choosing to quit cancels the jobs and waits for them to end cleanly (an upload
 * aborts its multipart upload, a narinfo is never left without its NAR) before the app really quits;
 * choosing to keep running leaves the window open.
 *
 * `ask` gets the running jobs and answers true to quit anyway. The returned `onWindowClose` goes on
 * the window's `close` event.
 */
export function installQuitGuard(app: QuitAppLike, jobs: QuitJobs, ask: (running: JobView[]) => boolean): { onWindowClose(event: { preventDefault(): void }): void } {
  let stopping = false;
  const intercept = (event: { preventDefault(): void }) => {
    if (stopping) return;
    const running = jobs.running();
    if (running.length === 0) return;
    event.preventDefault();
    if (!ask(running)) return;
    stopping = true;
    void jobs.shutdown().finally(() => app.quit());
  };
  app.on('before-quit', intercept);
  return { onWindowClose: intercept };
}

/** The question, worded for the jobs at hand. */
export function quitQuestion(running: JobView[]): { message: string; detail: string; buttons: [string, string] } {
  const titles = running.slice(0, 5).map((job) => `• ${job.title}`);
  if (running.length > 5) titles.push(`• and ${running.length - 5} more`);
  return {
    message: running.length === 1 ? 'A job is still running.' : `${running.length} jobs are still running.`,
    detail: `${titles.join('\n')}\n\nQuitting cancels ${running.length === 1 ? 'it' : 'them'}; work already finished stays in the cache.`,
    buttons: ['Keep running', 'Cancel jobs and quit'],
  };
}
