import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nixConfFiles, readTrustedKeys } from './trusted-keys';

const k1 = 'a-1:45hB01QCQX9pECUFPmoxV+u8QXsk7pjw0hWwBjdm20w=';
const k2 = 'b-1:Akyk8TgiZG+q+FiOu5UNhwf4rAdJJhF7rATgqk7B9pY=';
const k3 = 'c-1:pOspKhoMza1Wf/m6vtQQr8Ntwzzg5qrxx9L7UKTdMNQ=';

describe('readTrustedKeys', () => {
  it('follows the system file, includes, the user file and NIX_CONFIG, remembering where each key came from', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-nixconf-'));
    await mkdir(join(root, 'etc'), { recursive: true });
    await mkdir(join(root, 'home', 'nix'), { recursive: true });
    await writeFile(join(root, 'etc', 'nix.conf'), `trusted-public-keys = ${k1}\ninclude extra.conf\n!include missing.conf\n`);
    await writeFile(join(root, 'etc', 'extra.conf'), `extra-trusted-public-keys = ${k2}\n`);
    await writeFile(join(root, 'home', 'nix', 'nix.conf'), `extra-trusted-public-keys = not-a-key\n`);
    const env = { NIX_CONF_DIR: join(root, 'etc'), XDG_CONFIG_HOME: join(root, 'home'), XDG_CONFIG_DIRS: join(root, 'none'), NIX_CONFIG: `extra-trusted-public-keys = ${k3}` };
    const { keys, files } = await readTrustedKeys(env);
    expect(keys.map((k) => [k.name, k.source.where.replace(root, ''), k.source.line, k.setting, Boolean(k.problem)])).toEqual([
      ['a-1', '/etc/nix.conf', 1, 'trusted-public-keys', false],
      ['b-1', '/etc/extra.conf', 1, 'extra-trusted-public-keys', false],
      ['not-a-key', '/home/nix/nix.conf', 1, 'extra-trusted-public-keys', true],
      ['c-1', 'NIX_CONFIG', 1, 'extra-trusted-public-keys', false],
    ]);
    expect(files.map((f) => [f.path.replace(root, ''), f.status])).toEqual([
      ['/etc/nix.conf', 'read'],
      ['/etc/extra.conf', 'read'],
      ['/etc/missing.conf', 'missing'],
      ['/none/nix/nix.conf', 'missing'],
      ['/home/nix/nix.conf', 'read'],
      ['NIX_CONFIG', 'read'],
    ]);
  });

  it("falls back to Nix's default key, and reports a missing required include", async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-nixconf-'));
    await writeFile(join(root, 'nix.conf'), 'include nope.conf\n');
    const { keys, files } = await readTrustedKeys({ NIX_CONF_DIR: root, NIX_USER_CONF_FILES: join(root, 'user.conf') });
    expect(keys).toEqual([{ name: 'cache.nixos.org-1', publicKey: 'cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=', source: { where: 'Nix default' }, setting: 'trusted-public-keys' }]);
    expect(files[1]).toMatchObject({ status: 'missing', message: expect.stringMatching(/included but not found/) });
  });

  it('lists user files with the most important last', () => {
    expect(nixConfFiles({ XDG_CONFIG_HOME: '/h', XDG_CONFIG_DIRS: '/a:/b' })).toEqual(['/etc/nix/nix.conf', '/b/nix/nix.conf', '/a/nix/nix.conf', '/h/nix/nix.conf']);
  });
});
