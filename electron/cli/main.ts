import { ApiError } from '../../shared/api/errors';
import { caches } from './commands/caches';
import { key } from './commands/key';
import { nar } from './commands/nar';
import { narinfo } from './commands/narinfo';
import { serve } from './commands/serve';
import { info, ls } from './commands/store-commands';
import type { CliCommand, CliIO } from './io';
import { UsageError, writeLine } from './io';

const commands: Record<string, { run: CliCommand; summary: string }> = {
  serve: { run: serve, summary: 'serve [--port N] [--host ADDR] [--data-dir DIR]   the UI in a browser, on loopback' },
  caches: { run: caches, summary: 'caches [--json] [--data-dir DIR]                 saved cache connections' },
  info: { run: info, summary: 'info STORE-URL [--json]                         a cache\'s nix-cache-info' },
  ls: { run: ls, summary: 'ls STORE-URL [--json]                           the store paths in a cache' },
  key: { run: key, summary: 'key generate --name NAME --out FILE | key public   make a signing key; public half of a secret on stdin' },
  nar: { run: nar, summary: 'nar dump PATH | nar ls FILE|- | nar extract FILE|- DIR   write, list and unpack NARs' },
  narinfo: { run: narinfo, summary: 'narinfo verify FILE|- --trusted-key KEY...      check a narinfo\'s signatures' },
};

export function usage(): string {
  return ['usage: narwhal COMMAND [ARGS]', '', ...Object.values(commands).map((c) => `  narwhal ${c.summary}`)].join('\n');
}

/** Runs one command line; every error becomes a message on stderr and a non-zero status. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name ? io.stdout : io.stderr, usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    writeLine(io.stderr, `narwhal: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeLine(io.stderr, `narwhal ${name}: ${(e as Error).message}\nusage: narwhal ${command.summary.split('  ')[0]}`);
      return 2;
    }
    if (e instanceof ApiError) {
      writeLine(io.stderr, `narwhal ${name}: ${e.message}`);
      return 1;
    }
    writeLine(io.stderr, `narwhal ${name}: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
