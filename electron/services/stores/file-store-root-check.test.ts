import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileStore } from './file-store';

// readdir, watched: a write must not list the folder it writes into.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsp>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('FileStore checks its folder without reading it', () => {
  it('put does not list the folder (every write listed it: signing or pushing to a folder of 100 000 narinfos was quadratic)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-file-store-'));
    dirs.push(root);
    for (let i = 0; i < 50; i++) await writeFile(join(root, `${i}.narinfo`), 'x');
    const store = new FileStore(root);
    vi.mocked(fsp.readdir).mockClear();
    await store.put('a.narinfo', 'StorePath: x\n');
    await store.put('nar/b.nar', new Uint8Array([1]));
    expect(fsp.readdir).not.toHaveBeenCalled();
    expect(Buffer.from((await store.get('a.narinfo'))!).toString()).toBe('StorePath: x\n');
  });

  it('still says plainly when the folder is missing or is a file, and does not create it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-file-store-'));
    dirs.push(root);
    await expect(new FileStore(join(root, 'gone')).put('a.narinfo', 'x')).rejects.toMatchObject({ code: 'not-found', message: `The folder ${join(root, 'gone')} does not exist.` });
    await writeFile(join(root, 'file'), 'x');
    await expect(new FileStore(join(root, 'file')).put('a.narinfo', 'x')).rejects.toMatchObject({ code: 'not-found', message: `${join(root, 'file')} is not a folder.` });
    await mkdir(join(root, 'ok'));
    await expect(new FileStore(join(root, 'ok')).put('a.narinfo', 'x')).resolves.toBeUndefined();
  });
});
