import type { Readable, Writable } from 'node:stream';

/** What a CLI command may touch: its streams and environment, so tests can run commands in-process. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /**
   * Fires when the user interrupts (Ctrl-C). The `narwhal` binary leaves it out, and long commands
   * then listen for SIGINT themselves; tests pass one to interrupt a command running in-process.
   */
  interrupt?: AbortSignal;
}

/** A command takes its own arguments (after the command words) and resolves to an exit status. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

export interface UsageErrorOptions {
  /** Who complains, e.g. `narwhal key generate` (default: `narwhal COMMAND`); `narwhal` for an unknown subcommand. */
  by?: string;
  /** The usage text to print after the message (default: the command's synopsis). */
  usage?: string;
}

/**
 * Thrown for bad usage; the dispatcher prints `BY: MESSAGE`, then the usage once, exit status 2.
 * The message names what is wrong ("missing STORE-URL"); the usage says how it should look.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly options: UsageErrorOptions = {},
  ) {
    super(message);
  }
}

/** `narwhal CMD SUB` where SUB is not one of CMD's subcommands (or is missing). */
export function subcommandError(command: string, sub: string | undefined, usage: string): UsageError {
  return sub === undefined
    ? new UsageError('missing subcommand', { by: `narwhal ${command}`, usage })
    : new UsageError(`unknown subcommand "${sub}" of narwhal ${command}`, { by: 'narwhal', usage });
}

/**
 * Checks a command's positional arguments against their names (e.g. `['FILE', 'DIR']`), naming the
 * first one missing or the first one too many.
 */
export function expectPositionals(positionals: readonly string[], names: readonly string[], options: UsageErrorOptions = {}): void {
  if (positionals.length < names.length) throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`, options);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument "${positionals[names.length]}"`, options);
}

/** Whether a stream is a terminal (a person is watching): only then do we draw progress or refuse binary. */
export function isTerminal(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

export function writeLine(stream: Writable, line: string): void {
  stream.write(line.endsWith('\n') ? line : line + '\n');
}
