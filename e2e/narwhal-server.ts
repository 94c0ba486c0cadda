import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths';

export interface NarwhalServer {
  /** The printed URL, carrying the token. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  /** What the server wrote to stderr so far (its log), and whether it exited by itself. */
  log(): string;
  stop(): Promise<void>;
}

/** Environment variables that would let the SDK find credentials other than the test's own files. */
const awsLeaks = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

/**
 * Starts `narwhal serve` the way a user would (the real CLI, its own process) on a free port with a
 * fresh data directory, and returns once it prints its URL.
 */
export async function startNarwhalServer(opts: { dataDir: string; awsConfigFile: string; awsCredentialsFile: string; timeoutMs?: number }): Promise<NarwhalServer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of awsLeaks) delete env[name];
  Object.assign(env, {
    AWS_CONFIG_FILE: opts.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: opts.awsCredentialsFile,
    // The default credential chain would otherwise probe the EC2 metadata service for seconds.
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  });
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/narwhal.mjs'), 'serve', '--port', '0', '--data-dir', opts.dataDir], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error(`narwhal serve printed no URL within ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000);
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      error.message += `\nstdout: ${stdout}\nstderr: ${stderr}`;
      reject(error);
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Narwhal is serving at (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`narwhal serve exited early (${code ?? signal})`)));
  });
  child.removeAllListeners('exit');

  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token')!,
    dataDir: opts.dataDir,
    log: () => stderr + (child.exitCode !== null || child.signalCode !== null ? `\n[narwhal serve exited: ${child.exitCode ?? child.signalCode}]` : ''),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
