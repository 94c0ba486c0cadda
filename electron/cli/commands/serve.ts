import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserShell } from '../../serve/browser-shell';
import { startBrowserShell } from '../../serve/browser-shell';
import type { Narwhal } from '../../services/narwhal';
import { startNarwhal } from '../../services/narwhal';
import { resolveDataDir } from '../../services/settings/data-dir';
import { defaultRendererDir } from '../../services/ui/static-assets';
import type { CliCommand, CliIO } from '../io';
import { UsageError, writeLine } from '../io';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** How long stopping waits for cancelled jobs to finish cleaning up before it quits anyway. */
const stopTimeoutMs = 10_000;

/**
 * Stops `narwhal serve` cleanly: cancels every job (a push mid-upload aborts its multipart upload
 * instead of leaving it behind), waits for them to settle, at most `timeoutMs`, then closes the server.
 */
export async function stopServing(narwhal: Pick<Narwhal, 'jobs'>, shell: Pick<BrowserShell, 'close'>, io: CliIO, timeoutMs = stopTimeoutMs): Promise<void> {
  const running = narwhal.jobs.running().length;
  if (running) writeLine(io.stderr, `stopping: cancelling ${running} running job(s)…`);
  await narwhal.jobs.shutdown(timeoutMs);
  const left = narwhal.jobs.running().length;
  if (left) writeLine(io.stderr, `stopping: ${left} job(s) did not stop within ${timeoutMs / 1000} s; quitting anyway.`);
  await shell.close();
}

/** `narwhal serve [--port N] [--host ADDR] [--data-dir DIR]`: the UI in a browser, on loopback. */
export const serve: CliCommand = async (argv, io) => {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, 'renderer-dir': { type: 'string' } },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not "${values.port}".`);
  const host = values.host ?? '127.0.0.1';
  const rendererDir = values['renderer-dir'] ?? defaultRendererDir;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    writeLine(io.stderr, `The UI is not built (no ${join(rendererDir, 'index.html')}). Run \`npm run build:renderer\` first.`);
    return 1;
  }
  if (!loopback.has(host)) {
    writeLine(io.stderr, `warning: serving on ${host}, not loopback: anyone who can reach this address and learns the token controls your caches and keys.`);
  }
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const log = (line: string) => writeLine(io.stderr, line);
  const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: io.env, log });
  for (const notice of narwhal.caches.notices) writeLine(io.stderr, `${notice.level}: ${notice.message}`);
  const shell = await startBrowserShell({ narwhal, rendererDir, host, port, log });
  // Listen for signals before printing the URL: whoever reads it may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      // Only ours, once: a second Ctrl-C while jobs wind down means "now", and Node's default (exit) applies.
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  writeLine(io.stdout, `Narwhal is serving at ${shell.url}`);
  await stopped;
  await stopServing(narwhal, shell, io);
  return 0;
};
