import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileStore } from './file-store';

const MiB = 1024 * 1024;
const folder = () => mkdtemp(join(tmpdir(), 'narwhal-file-store-'));
const narinfo = `${'c'.repeat(32)}.narinfo`;

async function* chunks(count: number, size = 256 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(size, i);
}

describe('FileStore', () => {
  it('sweeps the temporary files of writers that are gone and idle, and keeps live or fresh ones', async () => {
    const root = await folder();
    await mkdir(join(root, 'nar'));
    const gone = spawnSync('true').pid!; // a process that has exited
    const name = (pid: number, tag: string) => `x-${tag}.nar.xz.tmp-${pid}-0123abcd`;
    const old = new Date(Date.now() - 10 * 60_000);
    for (const [file, mtime] of [
      [name(gone, 'dead-old'), old],
      [name(gone, 'dead-fresh'), new Date()],
      [name(process.pid, 'mine'), old],
      [name(process.ppid, 'alive'), old],
      ['real.nar.xz', old],
    ] as const) {
      await writeFile(join(root, 'nar', file), 'x');
      await utimes(join(root, 'nar', file), mtime, mtime);
    }
    const store = new FileStore(root);
    expect(await store.sweepTemporaryFiles('nar')).toBe(1);
    expect((await readdir(join(root, 'nar'))).sort()).toEqual([name(gone, 'dead-fresh'), name(process.pid, 'mine'), name(process.ppid, 'alive'), 'real.nar.xz'].sort());
    expect(await store.sweepTemporaryFiles('nar', { olderThanMs: 0 })).toBe(1);
    expect(await store.sweepTemporaryFiles('no-such-folder')).toBe(0);
  });

  it('streams an object in chunks, says null for a missing one, and stops at a cancel', async () => {
    const root = await folder();
    await mkdir(join(root, 'nar'));
    const bytes = Buffer.alloc(3 * MiB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
    await writeFile(join(root, 'nar', 'x.nar'), bytes);
    const store = new FileStore(root);
    const parts: Uint8Array[] = [];
    for await (const chunk of (await store.getStream('nar/x.nar'))!) parts.push(chunk);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.compare(Buffer.concat(parts), bytes)).toBe(0);
    expect(await store.getStream('nar/missing.nar')).toBeNull();
    const controller = new AbortController();
    const body = (await store.getStream('nar/x.nar', { signal: controller.signal }))!;
    controller.abort();
    await expect((async () => { for await (const _ of body); })()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a narinfo or nix-cache-info over 1 MiB, reads small ones, and honours maxBytes', async () => {
    const root = await folder();
    await writeFile(join(root, narinfo), Buffer.alloc(MiB + 1, 'x'));
    await writeFile(join(root, 'nix-cache-info'), 'StoreDir: /nix/store\n');
    await writeFile(join(root, 'big.nar'), Buffer.alloc(2 * MiB));
    const store = new FileStore(root);
    await expect(store.get(narinfo)).rejects.toMatchObject({
      code: 'bad-format',
      message: `${narinfo} of folder ${root} is ${MiB + 1} bytes, more than the 1 MiB a narinfo may be; Narwhal did not read it.`,
    });
    expect(Buffer.from((await store.get('nix-cache-info'))!).toString()).toBe('StoreDir: /nix/store\n');
    await expect(store.get('nix-cache-info', { maxBytes: 5 })).rejects.toMatchObject({ code: 'bad-format' });
    expect((await store.get('big.nar'))!.byteLength).toBe(2 * MiB);
    expect(await store.get('missing.narinfo')).toBeNull();
  });

  it('streams a put to a temporary file and renames it; a cancelled put leaves nothing', async () => {
    const root = await folder();
    const store = new FileStore(root);
    await store.put('nar/x.nar', chunks(8), 'application/x-nix-nar');
    const written = await readFile(join(root, 'nar/x.nar'));
    expect(written.byteLength).toBe(2 * MiB);
    expect(written[256 * 1024 * 7]).toBe(7);

    const controller = new AbortController();
    async function* stalls(): AsyncIterable<Uint8Array> {
      yield Buffer.alloc(1024);
      controller.abort();
      await new Promise(() => {}); // never another chunk: the cancel must still end the put
    }
    await expect(store.put('nar/y.nar', stalls(), 'application/x-nix-nar', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await readdir(join(root, 'nar'))).sort()).toEqual(['x.nar']);
  });

  it('heads, lists by prefix and delimiter in key order, skips writes in progress, deletes one and many', async () => {
    const root = await folder();
    const store = new FileStore(root);
    await store.put('nix-cache-info', 'StoreDir: /nix/store\n', 'text/x-nix-cache-info');
    await store.put('b.narinfo', 'b', 'text/x-nix-narinfo');
    await store.put('nar/a.nar', 'aa', 'application/x-nix-nar');
    await store.put('nar/b.nar', 'bbb', 'application/x-nix-nar');
    await mkdir(join(root, 'log'));
    await writeFile(join(root, 'a.narinfo.tmp-1-0123abcd'), 'half');

    expect(await store.head('nar/b.nar')).toMatchObject({ key: 'nar/b.nar', size: 3, lastModified: expect.any(Date) });
    expect(await store.head('nar/none.nar')).toBeNull();
    expect(await store.head('nar')).toBeNull();

    const keys = async (options = {}) => {
      const all = [];
      for await (const page of store.list(options)) all.push(...page.map((o) => `${o.key}:${o.size}`));
      return all;
    };
    expect(await keys()).toEqual(['b.narinfo:1', 'nar/a.nar:2', 'nar/b.nar:3', 'nix-cache-info:21']);
    expect(await keys({ delimiter: '/' })).toEqual(['b.narinfo:1', 'nix-cache-info:21']);
    expect(await keys({ prefix: 'nar/' })).toEqual(['nar/a.nar:2', 'nar/b.nar:3']);
    expect(await keys({ prefix: 'nar/b' })).toEqual(['nar/b.nar:3']);
    expect(await keys({ prefix: 'nothing/' })).toEqual([]);
    const top = [];
    for await (const page of store.listTopLevel()) top.push(...page);
    expect(top).toEqual(['b.narinfo', 'nix-cache-info']);

    await store.delete('nar/a.nar');
    await store.delete('nar/a.nar');
    await store.deleteMany(['b.narinfo', 'nar/b.nar', 'never-was']);
    expect(await keys()).toEqual(['nix-cache-info:21']);
  });

  it('adopts a file written under a temporaryFile name by a rename; it is never listed before, and other files are refused', async () => {
    const root = await folder();
    const store = new FileStore(root);
    const temporary = await store.temporaryFile('nar', 'abc-hello');
    expect(temporary.startsWith(join(root, 'nar', 'abc-hello.tmp-'))).toBe(true);
    await writeFile(temporary, 'nar bytes');
    const listed = async () => {
      const all = [];
      for await (const page of store.list({ prefix: 'nar/' })) all.push(...page.map((o) => o.key));
      return all;
    };
    expect(await listed()).toEqual([]);
    // Durable before it has its name: fsynced (FileHandle.sync) while it still has the temporary one.
    const handle = await open(temporary, 'r');
    const fileHandle = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
    await handle.close();
    const realSync = fileHandle.sync;
    const namesAtSync: string[][] = [];
    const sync = vi.spyOn(fileHandle, 'sync').mockImplementation(async function (this: { sync(): Promise<void> }) {
      namesAtSync.push(await readdir(join(root, 'nar')));
      return realSync.call(this);
    });
    try {
      await store.adopt(temporary, 'nar/x.nar.zst');
    } finally {
      sync.mockRestore();
    }
    expect(namesAtSync).toEqual([[temporary.slice(join(root, 'nar').length + 1)]]);
    expect(await listed()).toEqual(['nar/x.nar.zst']);
    expect(await readFile(join(root, 'nar', 'x.nar.zst'), 'utf8')).toBe('nar bytes');
    expect(await readdir(join(root, 'nar'))).toEqual(['x.nar.zst']);
    const elsewhere = join(await folder(), 'y.tmp-1-0123abcd');
    await writeFile(elsewhere, 'other');
    await expect(store.adopt(elsewhere, 'nar/y.nar')).rejects.toThrow(/not a temporary file/);
    await expect(store.adopt(join(root, 'nix-cache-info'), 'nar/y.nar')).rejects.toThrow(/not a temporary file/);
    // A cancelled adoption removes the file rather than leave it.
    const second = await store.temporaryFile('nar', 'def-world');
    await writeFile(second, 'more');
    await expect(store.adopt(second, 'nar/z.nar', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(await readdir(join(root, 'nar'))).toEqual(['x.nar.zst']);
  });

  it('says the folder does not exist when listing a missing one', async () => {
    const store = new FileStore(join(await folder(), 'gone'));
    await expect(store.list()[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'not-found' });
  });
});
