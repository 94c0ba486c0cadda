import type { Readable, Writable } from 'node:stream';

/** What a CLI command may touch: its streams and environment, so tests can run commands in-process. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A command takes its own arguments (after the command words) and resolves to an exit status. */
export type CliCommand = (argv: string[], io: CliIO) => Promise<number>;

/** Thrown for bad usage; the dispatcher prints the message and the command's usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function writeLine(stream: Writable, line: string): void {
  stream.write(line.endsWith('\n') ? line : line + '\n');
}
