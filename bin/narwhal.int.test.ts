import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// bin/narwhal.mjs runs the bundle only while it is current: an edited source must never be shadowed
// by an older bundle (tests, and people, run what the tree says). Checked on a copy of the launcher
// in a folder laid out like the repository, whose "bundle" only says that it ran, and whose sources
// are the real ones (linked), so the fallback really runs them through tsx.

const repo = resolve(__dirname, '..');
let root: string;
const input = () => join(root, 'src/input.ts');
const builtAt = Date.now() - 60_000;

function narwhal(env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, 'bin/narwhal.mjs'), '--help'], { env: { PATH: process.env.PATH, HOME: root, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'narwhal-launcher-'));
  await mkdir(join(root, 'bin'));
  await copyFile(join(repo, 'bin/narwhal.mjs'), join(root, 'bin/narwhal.mjs'));
  await symlink(join(repo, 'electron'), join(root, 'electron'));
  await symlink(join(repo, 'node_modules'), join(root, 'node_modules'));
  await mkdir(join(root, 'dist/cli'), { recursive: true });
  await writeFile(join(root, 'dist/cli/narwhal.mjs'), "console.log('the bundle ran with', process.argv.slice(2).join(' '));\n");
  await mkdir(join(root, 'src'));
});

beforeEach(async () => {
  // A bundle built a minute ago from one input, unchanged since.
  await writeFile(join(root, 'dist/cli/build-inputs.json'), JSON.stringify({ builtAt, inputs: ['src/input.ts'] }));
  await writeFile(input(), 'export {};\n');
  await utimes(input(), new Date(builtAt - 60_000), new Date(builtAt - 60_000));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const fromSources = /^usage: narwhal COMMAND \[ARGS\]\n/;

describe('bin/narwhal.mjs', () => {
  it('runs the bundle when none of its inputs changed since it was built', async () => {
    expect(await narwhal()).toEqual({ status: 0, stdout: 'the bundle ran with --help\n', stderr: '' });
  });

  it('runs the sources through tsx when an input changed after the build', async () => {
    await utimes(input(), new Date(), new Date());
    const run = await narwhal();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(fromSources);
  }, 60_000);

  it('runs the sources when an input is gone, or when there is no list of inputs', async () => {
    await rm(input());
    expect((await narwhal()).stdout).toMatch(fromSources);
    await rm(join(root, 'dist/cli/build-inputs.json'));
    expect((await narwhal()).stdout).toMatch(fromSources);
  }, 60_000);

  it('runs the sources when NARWHAL_CLI=sources, the bundle being current', async () => {
    expect((await narwhal({ NARWHAL_CLI: 'sources' })).stdout).toMatch(fromSources);
  }, 60_000);
});
