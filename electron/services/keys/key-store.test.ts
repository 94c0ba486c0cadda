import { mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, formatSecretKey, generateSecretKey } from '../../../shared/nix/keys';
import { KeyStore } from './key-store';
import { plainFileBox } from './secret-box';

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'narwhal-key-store-'));
  const home = join(dir, 'home');
  await mkdir(home);
  return { dir, home, store: new KeyStore(join(dir, 'data'), plainFileBox) };
}

describe('KeyStore key names', () => {
  it('says once what is wrong with a key name, as a sentence', async () => {
    const { store } = await setup();
    await expect(store.generate('bad name')).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'Key name "bad name" contains whitespace or a control character.',
    });
    await expect(store.generate('a:b')).rejects.toThrow(/^Key name "a:b" contains ':'\.$/);
  });
});

describe('KeyStore.exportSecret', () => {
  it('writes the secret as Nix does, mode 0600, and returns the absolute path', async () => {
    const { store, home } = await setup();
    const secret = generateSecretKey('export.example.org-1');
    const key = await store.importSecret(formatSecretKey(secret));
    const target = join(home, 'export.sec');
    expect(await store.exportSecret(key.id, target, home)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe(formatSecretKey(secret));
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('expands ~/ to the home folder and refuses relative paths', async () => {
    const { store, home } = await setup();
    const key = await store.generate('home-1');
    expect(await store.exportSecret(key.id, '~/home-1.sec', home)).toBe(join(home, 'home-1.sec'));
    await expect(store.exportSecret(key.id, 'home-1.sec', home)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('absolute path') });
    await expect(store.exportSecret(key.id, './x/../home-1.sec', home)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('never overwrites a file, nor follows a symlink, and needs the folder to exist', async () => {
    const { store, home, dir } = await setup();
    const key = await store.generate('careful-1');
    const existing = join(home, 'existing.sec');
    await writeFile(existing, 'precious');
    await expect(store.exportSecret(key.id, existing, home)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('never overwrites') });
    expect(await readFile(existing, 'utf8')).toBe('precious');

    const elsewhere = join(dir, 'elsewhere');
    await symlink(elsewhere, join(home, 'link.sec'));
    await expect(store.exportSecret(key.id, join(home, 'link.sec'), home)).rejects.toMatchObject({ code: 'conflict' });
    await expect(stat(elsewhere)).rejects.toMatchObject({ code: 'ENOENT' });

    await expect(store.exportSecret(key.id, join(home, 'missing', 'k.sec'), home)).rejects.toMatchObject({
      code: 'not-found',
      message: `The folder ${join(home, 'missing')} does not exist.`,
    });
    await expect(store.exportSecret(key.id, home, home)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('has nothing to export for a public key or an unknown id', async () => {
    const { store, home } = await setup();
    const pub = await store.importPublic(formatPublicKey(generateSecretKey('friend-1').publicKey));
    await expect(store.exportSecret(pub.id, join(home, 'f.sec'), home)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(store.exportSecret('k-000000000000', join(home, 'g.sec'), home)).rejects.toMatchObject({ code: 'not-found' });
    await expect(stat(join(home, 'f.sec'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
