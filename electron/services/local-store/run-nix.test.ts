// The runner's own behaviour (time limit, cancel, output cap, exit codes) with small shell scripts
// standing in for a command; what Nix prints is tested against the real Nix in local-store.int.test.ts.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { nixBinDirs, nixEnvironment, nixFailure, runNix } from './run-nix';

async function script(name: string, body: string): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(path.join(tmpdir(), 'narwhal-runnix-'));
  await writeFile(path.join(dir, name), `#!/bin/sh\n${body}\n`);
  await chmod(path.join(dir, name), 0o755);
  return { PATH: dir, HOME: dir, NARWHAL_MARK: 'passed-through' };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a failure');
}

describe('runNix', () => {
  it('returns stdout and passes the environment through', async () => {
    const env = await script('narwhal-fake-nix', 'echo "$NARWHAL_MARK $1"; echo "warning: x" >&2');
    const r = await runNix('narwhal-fake-nix', ['arg'], { env });
    expect(r.stdout).toBe('passed-through arg\n');
    expect(r.stderr).toBe('warning: x\n');
  });

  it('says plainly when the command is not installed', async () => {
    const e = await failure(runNix('narwhal-no-such-nix', [], { env: { PATH: '/nonexistent', HOME: '/nonexistent' } }));
    expect(e.code).toBe('not-found');
    expect(e.message).toMatch(/'narwhal-no-such-nix' was not found .*Install Nix/);
  });

  it('stops a command that runs past its time limit', async () => {
    const env = await script('narwhal-slow-nix', 'sleep 30');
    const started = Date.now();
    const e = await failure(runNix('narwhal-slow-nix', [], { env, timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.code).toBe('internal');
    expect(e.message).toBe("'narwhal-slow-nix' did not finish within 300 ms and was stopped.");
  });

  it('stops on the caller’s signal and reports cancelled', async () => {
    const env = await script('narwhal-slow-nix', 'sleep 30');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await failure(runNix('narwhal-slow-nix', [], { env, signal: ac.signal }));
    expect(e.code).toBe('cancelled');
    const already = await failure(runNix('narwhal-slow-nix', [], { env, signal: AbortSignal.abort() }));
    expect(already.code).toBe('cancelled');
  });

  it('stops reading past the output cap', async () => {
    const env = await script('narwhal-chatty-nix', 'yes narwhal');
    const e = await failure(runNix('narwhal-chatty-nix', [], { env, maxStdoutBytes: 100_000 }));
    expect(e.message).toMatch(/printed more than/);
  });

  it('maps a non-zero exit to an error that quotes the end of stderr', async () => {
    const env = await script('narwhal-failing-nix', 'echo "warning: the group \'nixbld\' specified in \'build-users-group\' does not exist" >&2; echo "error: something broke" >&2; exit 3');
    const e = await failure(runNix('narwhal-failing-nix', ['a'], { env }));
    expect(e.code).toBe('internal');
    expect(e.message).toBe("'narwhal-failing-nix a' failed (exit 3): error: something broke");
  });
});

describe('nixFailure', () => {
  it('names the daemon socket when the daemon is not reachable', () => {
    const e = nixFailure('nix path-info', 1, null, "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused\n");
    expect(e.code).toBe('unreachable');
    expect(e.message).toMatch(/^The Nix daemon is not reachable at \/nix\/var\/nix\/daemon-socket\/socket\. Is nix-daemon running/);
  });

  it('says which path is not in the store', () => {
    const e = nixFailure('nix path-info', 1, null, "don't know how to build these paths:\n  /nix/store/c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-gone\nerror: path '/nix/store/c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-gone' is not valid\n");
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('/nix/store/c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-gone is not in the local Nix store.');
  });

  it('explains a store it may not open', () => {
    const e = nixFailure('nix path-info', 1, null, "error: opening lock file '/nix/var/nix/db/big-lock': Permission denied\n");
    expect(e.code).toBe('access-denied');
    expect(e.message).toMatch(/multi-user install.*NIX_REMOTE=daemon/);
  });

  it('explains a single-user setup a normal user cannot use (Nix 2.8 without a daemon)', () => {
    const e = nixFailure('nix path-info', 1, null, "error: could not set permissions on '/nix/var/nix/profiles/per-user' to 755: Operation not permitted\n");
    expect(e.code).toBe('access-denied');
  });

  it('reports a killed command', () => {
    expect(nixFailure('nix x', null, 'SIGKILL', '').message).toBe("'nix x' was killed (SIGKILL)");
  });
});

describe('the environment of Nix commands', () => {
  it('keeps PATH first and adds the profile folders where Nix lives', () => {
    const env = nixEnvironment({ PATH: '/opt/bin', HOME: '/home/ann', USER: 'ann', NIX_REMOTE: 'daemon' });
    const dirs = env.PATH!.split(':');
    expect(dirs[0]).toBe('/opt/bin');
    expect(dirs).toEqual(expect.arrayContaining(['/run/current-system/sw/bin', '/etc/profiles/per-user/ann/bin', '/home/ann/.nix-profile/bin', '/nix/var/nix/profiles/default/bin']));
    expect(env.NIX_REMOTE).toBe('daemon');
    expect(nixBinDirs({ HOME: '/h', XDG_STATE_HOME: '/s' })).toContain('/s/nix/profile/bin');
  });
});
