import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureClosure, nixCopyFromHttp, nixEnv, nixGenerateKey } from '../../scripts/testbed/nix';

// The bundled CLI (electron/cli/build.mjs) is what `npm run build` ships and what bin/narwhal.mjs runs
// when it is current. It is built here, from the sources as they are, into a folder of this test's
// own (not dist/cli, which other runs may be using; but in dist/, as the worker finds the native
// codecs in the repository's node_modules), and run as a user would run it: its own process, no tsx. What bundling could break is checked: it starts, its compression worker and the native
// codecs that worker loads are found from the bundle's folder, and `serve` finds the built UI.

const root = resolve(__dirname, '../..');
let work: string;
let out: string;
let key: { secret: string; public: string; file: string };

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(out, 'narwhal.mjs'), ...args], { cwd: work, env: nixEnv({ NARWHAL_DATA_DIR: join(work, 'data'), ...env }), timeout: 60_000 }, (error, stdout, stderr) => {
      done({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-cli-bundle-'));
  out = join(root, 'dist', `cli-test-${process.pid}`);
  await new Promise<void>((done, fail) =>
    execFile(process.execPath, [join(root, 'electron/cli/build.mjs'), '--outdir', out], { cwd: root }, (error, _stdout, stderr) => (error ? fail(new Error(`build failed: ${stderr}`)) : done())),
  );
  const generated = await nixGenerateKey('cli-bundle.example.org-1');
  key = { ...generated, file: join(work, 'bundle.sec') };
  await writeFile(key.file, generated.secret, { mode: 0o600 });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the bundled narwhal command', () => {
  it('is one file with its worker and the list of what it was built from', async () => {
    expect((await readdir(out)).sort()).toEqual(['build-inputs.json', 'compress-worker.mjs', 'narwhal.cjs', 'narwhal.cjs.cache', 'narwhal.cjs.map', 'narwhal.mjs']);
    const manifest = JSON.parse(await readFile(join(out, 'build-inputs.json'), 'utf8')) as { builtAt: number; inputs: string[] };
    expect(manifest.inputs).toEqual(
      expect.arrayContaining(['electron/cli/entry.ts', 'electron/cli/main.ts', 'electron/services/compress/compress-worker.mjs', 'electron/cli/bundle-loader.mjs', 'electron/cli/build.mjs']),
    );
    expect(manifest.inputs.some((input) => input.startsWith('node_modules/') && input !== 'node_modules/.package-lock.json')).toBe(false);
    expect(manifest.builtAt).toBeLessThanOrEqual(Date.now());
  });

  it('runs on its own: --help', async () => {
    const help = await run(['--help']);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: narwhal COMMAND \[ARGS\]\n/);
    expect(help.stdout).toContain('narwhal push STORE-URL|NAME PATH...');
  });

  it('exits only after all it wrote to a pipe is out: a 10 MB NAR on stdout is the whole of nix-store --dump', async () => {
    // The loader exits at once when the command is done (no heap teardown); stdout must be drained first.
    const tree = join(work, 'big-tree');
    await mkdir(tree);
    for (let i = 0; i < 10; i++) await writeFile(join(tree, `file-${i}`), randomBytes(1 << 20));
    const sha256Of = (command: string, args: string[]) =>
      new Promise<string>((done, fail) => {
        const child = spawn(command, args, { cwd: work, env: nixEnv() });
        const hash = createHash('sha256');
        child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
        child.on('error', fail);
        child.on('close', (code) => (code === 0 ? done(hash.digest('hex')) : fail(new Error(`${command} exited ${code}`))));
      });
    expect(await sha256Of(process.execPath, [join(out, 'narwhal.mjs'), 'nar', 'dump', tree])).toBe(await sha256Of('nix-store', ['--dump', tree]));
  });

  it("starts from the code cache the build made, and remakes a cache that is not this bundle's", async () => {
    const cacheFile = join(out, 'narwhal.cjs.cache');
    const identity = async () => (await readFile(cacheFile)).subarray(0, 64).toString('latin1').split('\n')[0];
    const { ino, size, mtimeMs } = await stat(join(out, 'narwhal.cjs'));
    expect(await identity()).toBe(`${ino}:${size}:${mtimeMs}`);
    const made = (await stat(cacheFile)).mtimeMs;
    expect((await run(['--help'])).status).toBe(0);
    expect((await stat(cacheFile)).mtimeMs).toBe(made); // taken as it is
    // Compiled code V8 would take (its own check compares only the source's length), labelled as made
    // from another file: a rebuilt bundle of the same length must not run it.
    const saved = await readFile(cacheFile);
    await writeFile(cacheFile, Buffer.concat([Buffer.from(`1:${size}:1\n`), saved.subarray(saved.indexOf(10) + 1)]));
    const help = await run(['--help']);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: narwhal COMMAND/);
    expect(await identity()).toBe(`${ino}:${size}:${mtimeMs}`);
  });

  it('gives a command a code cache of its own after its first successful run, and a misspelt command none', async () => {
    const own = join(out, 'narwhal.cjs.caches.cache');
    await rm(own, { force: true });
    expect((await run(['caches'])).status).toBe(0);
    const { ino, size, mtimeMs } = await stat(join(out, 'narwhal.cjs'));
    const saved = await readFile(own);
    expect(saved.subarray(0, saved.indexOf(10)).toString('latin1')).toBe(`${ino}:${size}:${mtimeMs}`);
    // Made after the command ran, so it holds the command's own functions: more than the build's.
    expect(saved.length).toBeGreaterThan((await stat(join(out, 'narwhal.cjs.cache'))).size);
    const made = (await stat(own)).mtimeMs;
    expect((await run(['caches'])).stdout).toContain('Local cache');
    expect((await stat(own)).mtimeMs).toBe(made); // taken as it is

    const misspelt = await run(['cahces']);
    expect(misspelt.status).not.toBe(0);
    expect((await readdir(out)).filter((name) => name.startsWith('narwhal.cjs.cahces'))).toEqual([]);
  });

  it.each(['zstd', 'xz'] as const)('pushes a closure to a folder cache with %s (worker and codec found from the bundle); Nix substitutes it', async (compression) => {
    const fixture = await buildFixtureClosure(`cli-bundle-${compression}`);
    const cache = join(work, `cache-${compression}`);
    const push = await run(['push', `file://${cache}`, fixture.top, '--key', key.file, '--compression', compression]);
    expect(push.status, push.stderr).toBe(0);
    expect(push.stdout).toContain('Pushed 3 paths, skipped 0');
    expect((await readdir(join(cache, 'nar'))).filter((name) => name.endsWith(compression === 'zstd' ? '.nar.zst' : '.nar.xz'))).toHaveLength(3);
    const substituted = await nixCopyFromHttp(`file://${cache}`, fixture.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  });

  it("serve looks for the UI in the repository's dist/renderer, as from the sources", async () => {
    // The renderer may or may not be built right now (end-to-end runs rebuild it): either way the
    // folder serve resolved is checked, by its start or by the path its refusal names.
    const child = spawn(process.execPath, [join(out, 'narwhal.mjs'), 'serve', '--port', '0', '--data-dir', join(work, 'serve-data')], {
      env: { PATH: process.env.PATH, HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const serving = new Promise<void>((done) => child.stdout.on('data', () => stdout.includes('Narwhal is serving at') && done()));
    const outcome = await Promise.race([serving.then(() => 'serving' as const), exited.then(() => 'exited' as const)]);
    if (outcome === 'serving') {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } else {
      expect(stderr).toContain(`(no ${join(root, 'dist/renderer', 'index.html')})`);
    }
  }, 60_000);
});
