import { PassThrough } from 'node:stream';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/**
 * The environment an integration test runs the CLI in: the test bed's S3 credentials under the
 * profile `narwhal-test`, no instance metadata, and a data folder of the test's own (no saved caches
 * or keys of the machine's), all in `work`.
 */
export async function cliTestEnv(work: string, rgw: { admin: { accessKeyId: string; secretAccessKey: string } }): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(work, 'credentials'), ['[narwhal-test]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, `aws_secret_access_key = ${rgw.admin.secretAccessKey}`].join('\n'));
  return {
    ...process.env,
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_CONFIG_FILE: join(work, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NARWHAL_DATA_DIR: join(work, 'data'),
  };
}
