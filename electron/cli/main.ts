import { ApiError } from '../../shared/api/errors';
import type { CliCommand, CliIO } from './io';
import { UsageError, writeLine } from './io';
import { describeIoError, isExpectedIoError } from './io-errors';

/**
 * A command's module, loaded when that command runs: a command line initialises only the modules it
 * uses (`narwhal push` never evaluates the browser shell, the policy checker or its data), and in the
 * bundle evaluating every module was most of the start-up (`--help`: 100 ms of module code, now 14).
 * esbuild keeps a module that is only imported this way behind a lazy initialiser.
 */
function lazy<K extends string>(load: () => Promise<Record<K, CliCommand>>, name: K): CliCommand {
  return async (argv, io) => (await load())[name](argv, io);
}

const serve = lazy(() => import('./commands/serve'), 'serve');
const caches = lazy(() => import('./commands/caches'), 'caches');
const info = lazy(() => import('./commands/store-commands'), 'info');
const ls = lazy(() => import('./commands/store-commands'), 'ls');
const pathInfo = lazy(() => import('./commands/path-info'), 'pathInfo');
const push = lazy(() => import('./commands/push'), 'push');
const copy = lazy(() => import('./commands/copy'), 'copy');
const sign = lazy(() => import('./commands/sign'), 'sign');
const key = lazy(() => import('./commands/key'), 'key');
const nar = lazy(() => import('./commands/nar'), 'nar');
const narinfo = lazy(() => import('./commands/narinfo'), 'narinfo');
const policy = lazy(() => import('./commands/policy'), 'policy');

/**
 * Each command: its synopsis (the usage line after `narwhal ` in the table) and what it does; `usage`
 * is the full usage line its errors show, where the synopsis is too long for the table.
 */
const commands: Record<string, { run: CliCommand; synopsis: string; what: string; usage?: string }> = {
  serve: { run: serve, synopsis: 'serve [--port N] [--host ADDR] [--data-dir DIR]', what: 'the UI in a browser, on loopback' },
  caches: { run: caches, synopsis: 'caches [--json] [--data-dir DIR]', what: 'saved cache connections' },
  info: { run: info, synopsis: 'info STORE-URL|NAME [--json] [--data-dir DIR]', what: "a cache's nix-cache-info (NAME: a saved cache)" },
  ls: { run: ls, synopsis: 'ls STORE-URL|NAME [--long] [--json] [--data-dir DIR]', what: 'the store paths in a cache (--long: sizes, signatures, from its index)' },
  'path-info': { run: pathInfo, synopsis: 'path-info STORE-URL|NAME STORE-PATH|HASH [--closure] [--json] [--data-dir DIR]', what: "a path's narinfo in a cache, or its closure there" },
  push: {
    run: push,
    synopsis: 'push STORE-URL|NAME PATH... --key FILE|--key-name NAME [OPTIONS]',
    usage:
      'usage: narwhal push STORE-URL|NAME PATH... (--key FILE | --key-name NAME | --unsigned)\n' +
      '                    [--compression xz|zstd|bzip2|gzip|none] [--level N] [--jobs N] [--no-closure] [--write-nar-listing]\n' +
      '                    [--json] [--data-dir DIR]',
    what: 'push the closure of store paths to a cache, signed',
  },
  copy: {
    run: copy,
    synopsis: 'copy FROM TO PATH... [--key FILE|--key-name NAME] [OPTIONS]',
    usage:
      'usage: narwhal copy FROM-URL|NAME TO-URL|NAME PATH... [--key FILE | --key-name NAME]\n' +
      '                    [--compression xz|zstd|bzip2|gzip|none] [--level N] [--jobs N] [--no-closure] [--write-nar-listing] [--json] [--data-dir DIR]',
    what: 'copy the closure of paths from one cache to another',
  },
  sign: {
    run: sign,
    synopsis: 'sign STORE-URL|NAME PATH...|--all --key FILE|--key-name NAME',
    usage: 'usage: narwhal sign STORE-URL|NAME (PATH... [--closure] | --all) (--key FILE | --key-name NAME) [--trusted-key KEY...] [--json] [--data-dir DIR]',
    what: 'add a signature to paths already in a cache',
  },
  key: { run: key, synopsis: 'key generate | public | export-secret', what: "make a signing key; a secret's public half; export a key of Narwhal's" },
  nar: { run: nar, synopsis: 'nar dump PATH | nar ls FILE|- | nar extract FILE|- DIR', what: 'write, list and unpack NARs' },
  narinfo: { run: narinfo, synopsis: 'narinfo verify FILE|- --trusted-key KEY...', what: "check a narinfo's signatures" },
  policy: { run: policy, synopsis: 'policy check POLICY|STORE-URL | policy simulate POLICY', what: 'check a bucket policy; simulate a request against it' },
};

export function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.synopsis.length));
  return ['usage: narwhal COMMAND [ARGS]', '', ...Object.values(commands).map((c) => `  narwhal ${c.synopsis.padEnd(width)}   ${c.what}`)].join('\n');
}

/**
 * The AWS SDK (v3, ~3.1169) warns on every run under Node < 22 that its releases after January 2027
 * will need Node 22. That is about the SDK's future, not about this command, and it would land in
 * every CI log; the SDK's own switch turns off exactly that warning (read when an S3 client is made),
 * and every other warning still shows. A value the user set explicitly wins.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** A command's usage line, for its usage errors. */
function synopsis(name: string): string {
  return commands[name]!.usage ?? `usage: narwhal ${commands[name]!.synopsis}`;
}

/** Runs one command line; every error becomes a message on stderr and a non-zero status. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  quietSdkNodeVersionWarning();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name ? io.stdout : io.stderr, usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    writeLine(io.stderr, `narwhal: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // Bad usage: what is wrong, then how it should look, once.
    if (e instanceof UsageError) {
      writeLine(io.stderr, `${e.options.by ?? `narwhal ${name}`}: ${e.message}\n${e.options.usage ?? synopsis(name)}`);
      return 2;
    }
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      writeLine(io.stderr, `narwhal ${name}: ${(e as Error).message}\n${synopsis(name)}`);
      return 2;
    }
    if (e instanceof ApiError) {
      writeLine(io.stderr, `narwhal ${name}: ${e.message}`);
      return 1;
    }
    // A wrong path or a missing permission is the user's to fix: one sentence, no stack trace.
    if (isExpectedIoError(e)) {
      writeLine(io.stderr, `narwhal ${name}: ${describeIoError(e)}`);
      return 1;
    }
    // Anything else is a bug in Narwhal: keep the stack for the report.
    writeLine(io.stderr, `narwhal ${name}: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
