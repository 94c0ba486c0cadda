// Runs the Nix command line for the local store service: with a time limit, the caller's AbortSignal,
// bounded output, and failures turned into ApiErrors a person can act on.
//
// The environment is passed through untouched, so whatever the user's shell or service manager set
// (NIX_REMOTE, NIX_CONF_DIR, NIX_CONFIG, NIX_USER_CONF_FILES, NIX_DAEMON_SOCKET_PATH, XDG_*) applies
// as it does in their terminal. On a multi-user install Nix then talks to the daemon itself (its
// "auto" store: the database is not writable, the daemon socket exists); we never open the store
// database, so nothing here needs write access. Only PATH is widened: an app started from a desktop
// menu often lacks the profile bin folders where Nix lives.
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';

export interface NixRunOptions {
  signal?: AbortSignal;
  /** Kill the command after this long (default 60 s). */
  timeoutMs?: number;
  /** Most stdout bytes accepted (default 64 MiB, far above the JSON of a 10 000-path closure). */
  maxStdoutBytes?: number;
  /** The environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface NixRunResult {
  stdout: string;
  /** At most the last 64 KiB. */
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_STDOUT = 64 * 2 ** 20;
const MAX_STDERR = 64 * 2 ** 10;

/** Folders where Nix installs put `nix`, beyond PATH: NixOS, multi-user, single-user, nix-darwin. */
export function nixBinDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || os.homedir();
  const user = env.USER || safeUserName();
  return [
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean),
    '/run/current-system/sw/bin',
    ...(user ? [`/etc/profiles/per-user/${user}/bin`] : []),
    path.join(home, '.nix-profile/bin'),
    path.join(env.XDG_STATE_HOME || path.join(home, '.local/state'), 'nix/profile/bin'),
    '/nix/var/nix/profiles/default/bin',
    '/usr/local/bin',
    '/usr/bin',
  ];
}

function safeUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

/** The environment commands run with: the caller's, PATH widened with the folders above. */
export function nixEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: [...new Set(nixBinDirs(env))].join(path.delimiter) };
}

/** The full path of `command` (e.g. `nix`, `nix-store`) in those folders, or undefined. */
export async function findNixCommand(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of new Set(nixBinDirs(env))) {
    const candidate = path.join(dir, command);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Runs `command args`; resolves with its output when it exits 0. Otherwise rejects with an ApiError:
 * `not-found` (Nix not installed, or a path not in the store), `unreachable` (the daemon),
 * `access-denied`, `cancelled`, or `internal` with the end of Nix's own message.
 */
export async function runNix(command: string, args: readonly string[], opts: NixRunOptions = {}): Promise<NixRunResult> {
  const env = opts.env ?? process.env;
  if (opts.signal?.aborted) throw new ApiError('cancelled', 'Cancelled.');
  const exe = await findNixCommand(command, env);
  if (!exe) {
    throw new ApiError(
      'not-found',
      `The Nix command '${command}' was not found (looked in PATH and the usual Nix profile folders). Install Nix, or start Narwhal from a shell where '${command}' works.`,
    );
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxStdout = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const shown = [command, ...args.slice(0, 4), ...(args.length > 4 ? ['…'] : [])].join(' ');
  // Loaded here, not with the module: child_process brings net and friends (6 ms of a CLI push's
  // start), and a push that reads Nix's database never runs a Nix command.
  const { spawn } = await import('node:child_process');

  return new Promise<NixRunResult>((resolve, reject) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const child = spawn(exe, args, { env: nixEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let tooMuch = false;
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxStdout) {
        if (tooMuch) return;
        tooMuch = true;
        out.length = 0;
        // Settle now: a grandchild may hold the pipe open, and 'close' would wait for it.
        child.kill('SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
        settle(() => reject(new ApiError('internal', `'${shown}' printed more than ${maxStdout >= 2 ** 20 ? `${Math.round(maxStdout / 2 ** 20)} MiB` : `${maxStdout} bytes`}; stopped reading.`)));
        return;
      }
      out.push(b);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      err = (err + s).slice(-MAX_STDERR);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.name === 'AbortError') {
        if (opts.signal?.aborted) settle(() => reject(new ApiError('cancelled', 'Cancelled.')));
        else settle(() => reject(new ApiError('internal', `'${shown}' did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped.`)));
      } else if (e.code === 'ENOENT' || e.code === 'EACCES') {
        settle(() => reject(new ApiError('not-found', `Could not run ${exe}: ${e.message}`)));
      } else settle(() => reject(new ApiError('internal', `Could not run ${exe}: ${e.message}`)));
    });
    child.on('close', (code, sig) => {
      if (code === 0) {
        settle(() => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: err }));
      } else {
        settle(() => reject(nixFailure(shown, code, sig, err)));
      }
    });
  });
}

/** Colour codes Nix prints when it thinks stderr is a terminal. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Nix's warnings that say nothing about why a command failed (and are printed on every call in some setups). */
const NOISE = [/^warning: the group '.*' specified in 'build-users-group' does not exist/, /^warning: unknown setting/, /^warning: .*deprecated/i, /^warning: error: unable to download .*nix-cache-info/];

/** Maps a failed Nix command to an ApiError from what it printed. */
export function nixFailure(shown: string, code: number | null, sig: NodeJS.Signals | null, stderr: string): ApiError {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(ANSI_COLOUR, '').trimEnd())
    .filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)));
  const said = lines.slice(-6).join('\n');
  const how = code === null ? `was killed (${sig ?? 'signal'})` : `failed (exit ${code})`;

  const socket = /cannot connect to socket at '([^']+)'|cannot connect to daemon at '([^']+)'/.exec(stderr);
  if (socket) {
    return new ApiError(
      'unreachable',
      `The Nix daemon is not reachable at ${socket[1] ?? socket[2]}. Is nix-daemon running (systemctl status nix-daemon)? Nix said: ${said}`,
    );
  }
  const invalid = /path '([^']+)' is not valid|'([^']+)' is not a valid store path|don't know how to build these paths:\s*\n\s*(\S+)/.exec(stderr);
  if (invalid) {
    return new ApiError('not-found', `${invalid[1] ?? invalid[2] ?? invalid[3]} is not in the local Nix store.`);
  }
  const notInStore = /path '([^']+)' is not in the Nix store/.exec(stderr);
  if (notInStore) return new ApiError('invalid-input', `${notInStore[1]} is not in the Nix store.`);
  if (/Permission denied|permission denied|Operation not permitted|EACCES|attempt to write a readonly database/.test(stderr)) {
    return new ApiError(
      'access-denied',
      `'${shown}' ${how}: Nix could not open the store. On a multi-user install it must go through the daemon (NIX_REMOTE=daemon). Nix said: ${said}`,
    );
  }
  return new ApiError('internal', `'${shown}' ${how}${said ? `: ${said}` : ''}`);
}
