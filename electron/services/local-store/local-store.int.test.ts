/**
 * The local store service against the real Nix (Debian's nix-bin, 2.8) and the real /nix/store:
 * closures and metadata agree with what `nix-store --query` and `nix path-info --sigs` print (the
 * oracle), GC roots made by Nix are found, typed paths resolve, and a user who cannot write the store
 * database gets the same answers through a nix-daemon.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureClosure, nixEnv, nixGenerateKey, type FixtureClosure } from '../../../scripts/testbed/nix';
import { closureSummary } from '../../../shared/nix/closure';
import { LocalStore } from './local-store';
import { forgetStoreListing } from './search';

const env = nixEnv();
const store = new LocalStore({ env });
const q = (...args: string[]) => execFileSync('nix-store', args, { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const lines = (s: string) => (s === '' ? [] : s.split('\n'));

let fixture: FixtureClosure;
let tmp: string;

beforeAll(async () => {
  fixture = await buildFixtureClosure('local-store');
  tmp = await mkdtemp(path.join(tmpdir(), 'narwhal-localstore-'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('pathInfo against nix-store --query', () => {
  it('gives the closure with the NarHash, NarSize, references and deriver Nix records', async () => {
    const infos = await store.pathInfo([fixture.top], { recursive: true });
    expect(infos.map((i) => i.path).sort()).toEqual([...fixture.all].sort());
    for (const info of infos) {
      expect(info.narHash).toBe(q('--query', '--hash', info.path));
      expect(info.narSize).toBe(Number(q('--query', '--size', info.path)));
      expect(info.references).toEqual(lines(q('--query', '--references', info.path)).sort());
      expect(info.deriver).toBe(q('--query', '--deriver', info.path));
      expect(info.ca).toBeNull();
      expect(info.registrationTime).toBeGreaterThan(1_600_000_000);
    }
    // The closure size Nix computes is the sum of ours.
    const closureSize = Number(execFileSync('nix', ['path-info', '--closure-size', fixture.top], { env }).toString().trim().split(/\s+/)[1]);
    expect(closureSummary(infos)).toEqual({ paths: fixture.all.length, narSize: closureSize });
  });

  it('gives one path without --recursive, and each path once when asked twice', async () => {
    const infos = await store.pathInfo([fixture.top, fixture.top]);
    expect(infos.map((i) => i.path)).toEqual([fixture.top]);
  });

  it('reads signatures and content addresses as nix path-info --sigs shows them', async () => {
    const key = await nixGenerateKey('narwhal-localstore-1');
    const keyFile = path.join(tmp, 'secret.key');
    await writeFile(keyFile, key.secret, { mode: 0o600 });
    execFileSync('nix', ['store', 'sign', '--key-file', keyFile, fixture.top], { env, stdio: 'ignore' });
    const added = path.join(tmp, 'added.txt');
    await writeFile(added, `content-addressed ${Date.now()}\n`);
    const caPath = q('--add', added);

    const [top, ca] = [(await store.pathInfo([fixture.top]))[0]!, (await store.pathInfo([caPath]))[0]!];
    // `--sigs` prints: path, then "ultimate", "ca:<content address>" and the signatures.
    const sigs = (p: string) => execFileSync('nix', ['path-info', '--sigs', p], { env }).toString().trim().split(/\s+/).slice(1);
    expect(top.signatures).toEqual(sigs(fixture.top).filter((s) => s !== 'ultimate' && !s.startsWith('ca:')));
    expect(top.signatures.some((s) => s.startsWith('narwhal-localstore-1:'))).toBe(true);
    expect(`ca:${ca.ca}`).toBe(sigs(caPath).find((s) => s.startsWith('ca:')));
    expect(ca.ca).toMatch(/^fixed:sha256:[0-9a-z]{52}$|^fixed:r:sha256:[0-9a-z]{52}$/);
  });

  it('says which paths are not in the store, and refuses what is not a store path', async () => {
    const gone = '/nix/store/c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-narwhal-never-built';
    await expect(store.pathInfo([fixture.top, gone])).rejects.toMatchObject({ code: 'not-found', message: `This path is not in the local Nix store: ${gone}` });
    await expect(store.pathInfo([gone], { recursive: true })).rejects.toMatchObject({ code: 'not-found', message: `${gone} is not in the local Nix store.` });
    await expect(store.pathInfo(['/tmp'])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^Not a store path: .*\/tmp/) });
  });

  it('is cancelled by the caller’s signal', async () => {
    await expect(store.pathInfo([fixture.top], { recursive: true, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('roots, search and typed paths', () => {
  it('finds a GC root Nix registered, and resolves it and paths inside the store path', async () => {
    const link = path.join(tmp, 'result');
    q('--realise', fixture.top, '--add-root', link, '--indirect');
    const { roots } = await store.listRoots();
    expect(roots).toContainEqual({ label: link, source: 'gc-root', link, storePath: fixture.top });

    expect((await store.resolveUserPath('./result', { cwd: tmp })).storePath).toBe(fixture.top);
    expect((await store.resolveUserPath(`${fixture.top}/hello-path`)).storePath).toBe(fixture.top);
    await expect(store.resolveUserPath(tmp)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('finds the fixture by name in /nix/store', async () => {
    forgetStoreListing();
    const name = fixture.top.slice('/nix/store/'.length + 33);
    const r = await store.searchStore(name.toUpperCase(), { limit: 10_000 });
    expect(r.matches.map((m) => m.path)).toContain(fixture.top);
    expect(r.matches.every((m) => !m.name.endsWith('.drv'))).toBe(true);
  });
});

// As root we can become `nobody` (setpriv) to be a user who may not write the database.
describe.skipIf(process.getuid?.() !== 0)('a multi-user install: the database is not writable, Nix goes through the daemon', () => {
  let daemon: ChildProcess | undefined;
  let dir: string;
  let socket: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'narwhal-daemon-'));
    await chmod(dir, 0o755);
    socket = path.join(dir, 'socket');
    daemon = spawn('nix-daemon', [], { env: { ...env, NIX_DAEMON_SOCKET_PATH: socket }, stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('test', ['-S', socket]);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('nix-daemon did not create its socket');
  });

  afterAll(async () => {
    daemon?.kill('SIGTERM');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs pathInfo in a Node process as `nobody` (who may not write /nix/var/nix/db), with the
   * environment a multi-user install gives: only NIX_REMOTE=daemon (and here the socket's place).
   */
  function asNobody(extraEnv: Record<string, string>): { code: number; stdout: string; stderr: string } {
    const probe = path.join(dir, 'probe.mts');
    const module = path.join(import.meta.dirname, 'path-info.ts');
    execFileSync('sh', ['-c', `cat > ${probe}`], {
      input: `import { pathInfo } from ${JSON.stringify(module)};\ntry {\n  const r = await pathInfo([process.argv[2]], { recursive: true });\n  process.stdout.write(JSON.stringify(r));\n} catch (e) {\n  process.stdout.write(JSON.stringify({ code: e.code, message: e.message }));\n}\n`,
    });
    execFileSync('chmod', ['644', probe]);
    try {
      const stdout = execFileSync(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', `PATH=${process.env.PATH}`, `HOME=${dir}`, ...Object.entries(extraEnv).map(([k, v]) => `${k}=${v}`), process.execPath, '--import', 'tsx', probe, fixture.top],
        { cwd: path.resolve(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] },
      ).toString();
      return { code: 0, stdout, stderr: '' };
    } catch (e) {
      const err = e as { status: number; stdout: Buffer; stderr: Buffer };
      return { code: err.status, stdout: err.stdout.toString(), stderr: err.stderr.toString() };
    }
  }

  it('gives a user who cannot write the database the same closure through the daemon', async () => {
    const r = asNobody({ NIX_REMOTE: 'daemon', NIX_DAEMON_SOCKET_PATH: socket });
    expect(r.stderr).toBe('');
    const viaDaemon = JSON.parse(r.stdout) as unknown;
    expect(viaDaemon).toEqual(await store.pathInfo([fixture.top], { recursive: true }));
  });

  it('tells that user plainly when there is no daemon to go through', () => {
    const r = asNobody({});
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 'access-denied', message: expect.stringContaining('multi-user install') });
  });

  it('says the daemon is not reachable when its socket is not there', async () => {
    const s = new LocalStore({ env: { ...env, NIX_REMOTE: `unix://${path.join(dir, 'no-socket')}` } });
    await expect(s.pathInfo([fixture.top])).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining(`The Nix daemon is not reachable at ${path.join(dir, 'no-socket')}`) });
  });
});
