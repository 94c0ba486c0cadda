import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFakeStore } from './fake-store-test-util';
import { resolveUserPath } from './resolve';

async function setup() {
  const s = await makeFakeStore();
  const app = await s.add('app-1.0');
  const lib = await s.add('lib-2.0');
  const project = path.join(s.root, 'home/ann/src/app');
  await mkdir(project, { recursive: true });
  await symlink(app, path.join(project, 'result'));
  return { s, app, lib, project, home: path.join(s.root, 'home/ann') };
}

describe('resolveUserPath', () => {
  it('follows a result link, relative to the given folder', async () => {
    const { s, app, project } = await setup();
    for (const input of ['./result', 'result', ' result\n', `${project}/result`, `"${project}/result"`, `file://${project}/result`]) {
      expect((await resolveUserPath(input, { cwd: project, storeDir: s.storeDir })).storePath).toBe(app);
    }
  });

  it('expands ~ and follows chains of links (a profile and its generation)', async () => {
    const { s, app, home } = await setup();
    await symlink(app, path.join(home, 'profile-3-link'));
    await symlink('profile-3-link', path.join(home, 'profile'));
    await symlink(path.join(home, 'profile'), path.join(home, '.nix-profile'));
    expect(await resolveUserPath('~/.nix-profile', { home, storeDir: s.storeDir })).toEqual({ storePath: app, input: path.join(home, '.nix-profile') });
  });

  it('takes the store path of a path inside one, without following links inside it', async () => {
    const { s, app, lib, project } = await setup();
    // app/bin/lib-tool links into lib: the user still named app.
    await symlink(path.join(lib, 'bin/lib-2.0'), path.join(app, 'bin/lib-tool'));
    expect((await resolveUserPath(`${app}/bin/lib-tool`, { storeDir: s.storeDir })).storePath).toBe(app);
    expect((await resolveUserPath('result/bin/lib-tool', { cwd: project, storeDir: s.storeDir })).storePath).toBe(app);
    expect((await resolveUserPath(`${app}/`, { storeDir: s.storeDir })).storePath).toBe(app);
  });

  it('follows a store folder that sits behind a symlink', async () => {
    const { s, app } = await setup();
    const alias = path.join(s.root, 'alias-store');
    await symlink(s.storeDir, alias);
    const link = path.join(s.root, 'via-alias');
    await symlink(path.join(alias, path.basename(app)), link);
    expect((await resolveUserPath(link, { storeDir: s.storeDir })).storePath).toBe(app);
  });

  it('refuses what is not in the store, saying where it leads', async () => {
    const { s, project } = await setup();
    await writeFile(path.join(project, 'notes.txt'), 'x');
    await symlink(path.join(project, 'notes.txt'), path.join(project, 'notes-link'));
    await expect(resolveUserPath('notes.txt', { cwd: project, storeDir: s.storeDir })).rejects.toMatchObject({
      code: 'invalid-input',
      message: `notes.txt is not in the Nix store (${project}/notes.txt). Choose a store path under ${s.storeDir}, a result link of nix-build or a profile.`,
    });
    await expect(resolveUserPath('notes-link', { cwd: project, storeDir: s.storeDir })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining(`it leads to ${project}/notes.txt`) });
  });

  it('says what is missing: the input, or the store path a dangling result points to', async () => {
    const { s, project } = await setup();
    await expect(resolveUserPath('nope', { cwd: project, storeDir: s.storeDir })).rejects.toMatchObject({ code: 'not-found', message: 'nope does not exist.' });
    const gone = path.join(s.storeDir, 'c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-gone');
    await symlink(gone, path.join(project, 'old-result'));
    await expect(resolveUserPath('old-result', { cwd: project, storeDir: s.storeDir })).rejects.toMatchObject({
      code: 'not-found',
      message: `${gone} (from old-result) is not in the local Nix store; it may have been garbage-collected.`,
    });
  });

  it('refuses store entries that are not store paths, empty input and link loops', async () => {
    const { s, project } = await setup();
    await expect(resolveUserPath(path.join(s.storeDir, '.links/abc'), { storeDir: s.storeDir })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('is not a store path') });
    await expect(resolveUserPath(`${s.storeDir}/`, { storeDir: s.storeDir })).rejects.toMatchObject({ code: 'invalid-input', message: `${s.storeDir}/ is the Nix store folder itself; choose a store path in it.` });
    await expect(resolveUserPath('  ', { storeDir: s.storeDir })).rejects.toMatchObject({ code: 'invalid-input', message: 'No path given.' });
    await symlink('loop-b', path.join(project, 'loop-a'));
    await symlink('loop-a', path.join(project, 'loop-b'));
    await expect(resolveUserPath('loop-a', { cwd: project, storeDir: s.storeDir })).rejects.toMatchObject({ code: 'invalid-input', message: 'loop-a: too many levels of symbolic links.' });
  });
});
