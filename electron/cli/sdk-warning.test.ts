import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const bin = resolve(__dirname, '../../bin/narwhal.mjs');
let home: string;
let folderCache: string;

/** Runs the real `narwhal` command in its own process, as a CI job would, with no AWS settings. */
function narwhal(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'), AWS_EC2_METADATA_DISABLED: 'true', ...options.env };
  return new Promise((done) => {
    execFile(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'narwhal-cli-warning-'));
  folderCache = join(home, 'cache');
  await mkdir(folderCache);
  await writeFile(join(folderCache, 'nix-cache-info'), 'StoreDir: /nix/store\n');
});

const s3Url = 's3://no-such-bucket?endpoint=127.0.0.1:9&scheme=http';
const sdkWarning = /NodeVersionSupportWarning|AWS SDK for JavaScript/;

describe('the AWS SDK\'s Node-version warning', () => {
  it('does not reach stderr: narwhal info on a folder cache', async () => {
    expect(await narwhal(['info', `file://${folderCache}`])).toEqual({ status: 0, stdout: 'StoreDir: /nix/store\n', stderr: '' });
  }, 60_000);

  it('does not reach stderr once an S3 client is made, while every other warning does', async () => {
    const warn = join(home, 'warn.cjs');
    await writeFile(warn, "process.emitWarning('some other warning');\n");
    // No credentials: the command fails at once, after the S3 client (which warns) was made.
    const s3 = await narwhal(['info', s3Url], { nodeArgs: ['--require', warn] });
    expect(s3.status).toBe(1);
    expect(s3.stderr).toContain('Warning: some other warning');
    expect(s3.stderr).not.toMatch(sdkWarning);
    expect(s3.stderr).toMatch(/\nnarwhal info: No AWS credentials found[^\n]*\n$/);
  }, 60_000);

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)('still shows it to a user who asks for it (and would show it without the fix)', async () => {
    const asked = await narwhal(['info', s3Url], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' } });
    expect(asked.stderr).toMatch(sdkWarning);
  }, 60_000);
});
