import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRoots, parseGcRoots, storePathPrefix } from './roots';
import { makeFakeStore } from './fake-store-test-util';

/** A folder holding one executable script named `name`; put it first on PATH. */
async function fakeCommand(root: string, name: string, body: string): Promise<string> {
  const dir = await mkdtemp(path.join(root, 'bin-'));
  await writeFile(path.join(dir, name), `#!/bin/sh\n${body}\n`);
  await chmod(path.join(dir, name), 0o755);
  return dir;
}

describe('parseGcRoots', () => {
  const A = '/nix/store/vdz3dlnvz8kyjb3p4gznhaq1cpsz5dpg-app';
  const B = '/nix/store/qm7fr2ms1ig9rmrsa6g6dfr3k10y2jx6-lib';
  it('reads LINK -> PATH lines and skips roots that are not links a user can push', () => {
    const text = [
      `/home/ann/src/app/result -> ${A}`,
      `/nix/var/nix/profiles/default-3-link -> ${B}`,
      `/home/ann/with -> arrow/result -> ${A}`,
      `/proc/4242/maps -> ${B}/lib/libz.so`,
      `{censored} -> ${A}`,
      `{temp:1234} -> ${B}`,
      `{memory:7} -> ${B}`,
      `{lsof} -> ${B}`,
      `/tmp/not-store -> /usr/lib/x`,
      '',
      'garbage line',
    ].join('\n');
    expect(parseGcRoots(text)).toEqual([
      { link: '/home/ann/src/app/result', storePath: A },
      { link: '/nix/var/nix/profiles/default-3-link', storePath: B },
      { link: '/home/ann/with -> arrow/result', storePath: A },
    ]);
  });

  it('takes the store path of a root that points inside one', () => {
    expect(parseGcRoots(`/run/booted-system/kernel -> ${A}/bzImage`)).toEqual([{ link: '/run/booted-system/kernel', storePath: A }]);
    expect(storePathPrefix('/nix/store/.links/abc')).toBeUndefined();
  });
});

describe('listRoots', () => {
  it('finds the home profile, XDG profiles, system and profiles with per-user folders, skipping generations', async () => {
    const s = await makeFakeStore();
    const env1 = await s.add('user-environment');
    const env2 = await s.add('user-environment');
    const sys = await s.add('nixos-system-host-24.05');
    const home = path.join(s.root, 'home/ann');
    const state = path.join(s.root, 'var/nix');
    const profiles = path.join(state, 'profiles');
    await mkdir(path.join(profiles, 'per-user/ann'), { recursive: true });
    await mkdir(path.join(home, '.local/state/nix/profiles'), { recursive: true });
    // Profiles link to their current generation, which links to the store.
    await symlink(env1, path.join(profiles, 'per-user/ann/profile-2-link'));
    await symlink('profile-2-link', path.join(profiles, 'per-user/ann/profile'));
    await symlink(path.join(profiles, 'per-user/ann/profile'), path.join(home, '.nix-profile'));
    await symlink(sys, path.join(profiles, 'system-7-link'));
    await symlink('system-7-link', path.join(profiles, 'system'));
    await symlink(env2, path.join(home, '.local/state/nix/profiles/home-manager'));
    await symlink(sys, path.join(s.root, 'current-system'));
    await symlink(path.join(s.storeDir, 'gone-but-linked'), path.join(profiles, 'dangling'));

    const r = await listRoots({ storeDir: s.storeDir, stateDir: state, home, currentSystem: path.join(s.root, 'current-system'), gcRoots: false, env: { HOME: home } });
    expect(r.warnings).toEqual([]);
    expect(r.roots).toEqual([
      { label: 'Your profile (~/.nix-profile)', source: 'home-profile', link: path.join(home, '.nix-profile'), storePath: env1 },
      { label: 'Your profile home-manager (~/.local/state/nix/profiles/home-manager)', source: 'home-profile', link: path.join(home, '.local/state/nix/profiles/home-manager'), storePath: env2 },
      { label: `NixOS system (${path.join(s.root, 'current-system')})`, source: 'system', link: path.join(s.root, 'current-system'), storePath: sys },
      { label: 'NixOS system profile', source: 'profiles', link: path.join(profiles, 'system'), storePath: sys },
      { label: 'Profile profile of ann', source: 'profiles', link: path.join(profiles, 'per-user/ann/profile'), storePath: env1 },
    ]);
  });

  it('lists nothing, without failing, on a machine with no profiles', async () => {
    const s = await makeFakeStore();
    const r = await listRoots({ storeDir: s.storeDir, stateDir: path.join(s.root, 'none'), home: path.join(s.root, 'nohome'), currentSystem: path.join(s.root, 'nosys'), gcRoots: false, env: {} });
    expect(r).toEqual({ roots: [], warnings: [] });
  });

  it('reports GC roots it cannot list as a warning and keeps the profiles', async () => {
    const s = await makeFakeStore();
    const env1 = await s.add('user-environment');
    const home = path.join(s.root, 'home');
    await mkdir(home);
    await symlink(env1, path.join(home, '.nix-profile'));
    const bin = await fakeCommand(s.root, 'nix-store', `echo "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Connection refused" >&2; exit 1`);
    const r = await listRoots({ storeDir: s.storeDir, stateDir: path.join(s.root, 'none'), home, currentSystem: '/nonexistent', env: { PATH: bin, HOME: home } });
    expect(r.roots.map((x) => x.storePath)).toEqual([env1]);
    expect(r.warnings).toEqual([expect.stringMatching(/^The GC roots could not be listed: The Nix daemon is not reachable at \/nix\/var\/nix\/daemon-socket\/socket/)]);
  });

  it('adds the GC roots after the profiles, once per link', async () => {
    const s = await makeFakeStore();
    const env1 = await s.add('user-environment');
    const app = await s.add('app-1.0');
    const home = path.join(s.root, 'home');
    await mkdir(home);
    await symlink(env1, path.join(home, '.nix-profile'));
    const lines = [`${path.join(home, '.nix-profile')} -> ${env1}`, `${home}/src/result -> ${app}`, `{censored} -> ${app}`].join('\\n');
    const bin = await fakeCommand(s.root, 'nix-store', `[ "$1 $2" = "--gc --print-roots" ] || exit 9; printf '${lines}\\n'`);
    const r = await listRoots({ storeDir: s.storeDir, stateDir: path.join(s.root, 'none'), home, currentSystem: '/nonexistent', env: { PATH: bin, HOME: home } });
    expect(r.warnings).toEqual([]);
    expect(r.roots).toEqual([
      { label: 'Your profile (~/.nix-profile)', source: 'home-profile', link: path.join(home, '.nix-profile'), storePath: env1 },
      { label: '~/src/result', source: 'gc-root', link: `${home}/src/result`, storePath: app },
    ]);
  });
});
