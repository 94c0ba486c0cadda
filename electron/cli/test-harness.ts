import { PassThrough } from 'node:stream';
import { runCli } from './main';

/** For tests: runs one command line in-process with captured streams, as a shell would see it. */
export async function runCommandLine(
  argv: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; /** stderr claims to be a terminal this wide, as a person's would. */ stderrTTY?: { columns: number }; /** Ctrl-C, as the command sees it. */ interrupt?: AbortSignal } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: options.env ?? process.env, cwd: options.cwd ?? process.cwd(), interrupt: options.interrupt };
  if (options.stderrTTY) Object.assign(io.stderr, { isTTY: true, columns: options.stderrTTY.columns });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  io.stdout.on('data', (c: Buffer) => out.push(c));
  io.stderr.on('data', (c: Buffer) => err.push(c));
  io.stdin.end(options.stdin ?? '');
  const status = await runCli(argv, io);
  return { status, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
