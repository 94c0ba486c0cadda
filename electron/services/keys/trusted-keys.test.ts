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
      ['(not a key)', '/home/nix/nix.conf', 1, 'extra-trusted-public-keys', true],
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

  it('reports a malformed line by file, line and what is wrong, never with the secret it holds', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-nixconf-'));
    const token = 'ghp_FAKEs3cr3tT0ken0123456789abcdefABCDEF';
    const secretKey = 'leak-1:Q2CmbqyE3mEqGF3BZqoyIgSj0NtG0exIlCYKOZLxBhVP8JP5ctbjg+Aq8s+Y1JjWPSPvPo1xmqpjVBoK3c39Hg==';
    await writeFile(join(root, 'nix.conf'), `substituters = https://cache.nixos.org\naccess-tokens github.com ${token}\n`);
    await writeFile(join(root, 'user.conf'), `secret-key-files\t/etc/nix/${token}.sec\n`);
    await writeFile(join(root, 'extra.conf'), `extra-trusted-public-keys = ${secretKey} ${token}\n`);
    const { keys, files } = await readTrustedKeys({
      NIX_CONF_DIR: root,
      NIX_USER_CONF_FILES: [join(root, 'extra.conf'), join(root, 'user.conf')].join(':'),
      NIX_CONFIG: `include ${token} more`,
    });
    expect(files).toEqual([
      { path: join(root, 'nix.conf'), status: 'error', message: `${join(root, 'nix.conf')}:2: syntax error: no "=" after the setting name, expected NAME = VALUE (Nix would refuse this file)` },
      { path: join(root, 'user.conf'), status: 'error', message: `${join(root, 'user.conf')}:1: syntax error: no "=" after the setting name, expected NAME = VALUE (Nix would refuse this file)` },
      { path: join(root, 'extra.conf'), status: 'read' },
      { path: 'NIX_CONFIG', status: 'error', message: 'NIX_CONFIG:1: syntax error: include takes exactly one path, found 2 words after it (Nix would refuse this file)' },
    ]);
    // The secret key and the token were put where public keys go: named at most, their data never shown.
    expect(keys.filter((k) => k.problem).map((k) => [k.name, k.publicKey])).toEqual([['leak-1', 'leak-1:…'], ['(not a key)', '(not a key):…']]);
    const everything = JSON.stringify({ keys, files });
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(secretKey.split(':')[1]!.slice(0, 20));
  });

  it('lists user files with the most important last', () => {
    expect(nixConfFiles({ XDG_CONFIG_HOME: '/h', XDG_CONFIG_DIRS: '/a:/b' })).toEqual(['/etc/nix/nix.conf', '/b/nix/nix.conf', '/a/nix/nix.conf', '/h/nix/nix.conf']);
  });
});
