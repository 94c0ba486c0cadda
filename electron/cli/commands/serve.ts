import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserShell } from '../../serve/browser-shell';
import { startNarwhal } from '../../services/narwhal';
import { resolveDataDir } from '../../services/settings/data-dir';
import { defaultRendererDir } from '../../services/ui/static-assets';
import type { CliCommand } from '../io';
import { UsageError, writeLine } from '../io';

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

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
  writeLine(io.stdout, `Narwhal is serving at ${shell.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await shell.close();
  return 0;
};
