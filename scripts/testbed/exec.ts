// Small process helpers shared by the test-bed modules (rgw.ts, nix.ts). Node only.
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

export interface RunOptions {
  cwd?: string;
  /** Full environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Kill the child (SIGKILL) after this long; a hung ceph/nix call must not hang a test run. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Runs a command to completion and reports everything, never throwing for a non-zero exit. */
export function runCapture(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    // 'close' (not 'exit'): waits until stdout/stderr are drained. Do not use this for programs that
    // fork a daemon which keeps the pipes open; rgw.ts starts those with files as stdio.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => {}); // the child may exit without reading; that is reported by its exit code
      child.stdin!.end(opts.input);
    }
  });
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const why = result.timedOut
      ? 'timed out'
      : result.code !== null
        ? `exited with code ${result.code}`
        : `was killed by ${result.signal}`;
    super(`${command} ${why}${result.stderr.trim() ? `:\n${tail(result.stderr, 40)}` : ''}`);
    this.name = 'CommandError';
  }
}

/**
 * Runs a command and returns its stdout (utf8 string by default, or a Buffer with
 * `encoding: 'buffer'`, e.g. for `nix-store --dump`). Throws a CommandError carrying stderr when the
 * command fails, so a failing test shows why.
 */
export function run(cmd: string, args: readonly string[], opts?: RunOptions & { encoding?: 'utf8' }): Promise<string>;
export function run(cmd: string, args: readonly string[], opts: RunOptions & { encoding: 'buffer' }): Promise<Buffer>;
export async function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions & { encoding?: 'utf8' | 'buffer' } = {},
): Promise<string | Buffer> {
  const r = await runCapture(cmd, args, opts);
  if (r.code !== 0) throw new CommandError(formatCommand(cmd, args), r);
  return opts.encoding === 'buffer' ? r.stdout : r.stdout.toString('utf8');
}

/** The commands of `names` that are not executable files in a PATH directory. */
export async function missingCommands(names: readonly string[]): Promise<string[]> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const found = await Promise.all(
    names.map(async (name) => {
      for (const d of dirs) {
        try {
          await access(path.join(d, name), fsConstants.X_OK);
          return true;
        } catch {
          // not in this directory
        }
      }
      return false;
    }),
  );
  return names.filter((_, i) => !found[i]);
}

export function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The last `lines` lines of a text. */
export function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
