import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheService } from './cache-service';

const fresh = () => mkdtemp(join(tmpdir(), 'narwhal-caches-'));

describe('CacheService with folder caches', () => {
  it('makes, initialises and selects a built-in folder cache on first start', async () => {
    const dataDir = await fresh();
    const service = new CacheService({ dataDir });
    await service.start();
    const { caches, selectedId } = service.list();
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatchObject({ name: 'Local cache', builtIn: true, writable: true, storeUrl: `file://${dataDir}/local-cache` });
    expect(selectedId).toBe(caches[0]!.id);
    expect(await readFile(join(dataDir, 'local-cache', 'nix-cache-info'), 'utf8')).toBe('StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n');
    expect(await service.test(caches[0]!.id)).toMatchObject({ status: 'ok', info: { storeDir: '/nix/store', wantMassQuery: true, priority: 30 } });

    // A second start reads the same settings instead of making another built-in cache.
    const again = new CacheService({ dataDir });
    await again.start();
    expect(again.list()).toEqual(service.list());
  });

  it('adds, tests, initialises, edits, selects and removes caches, telling listeners', async () => {
    const dataDir = await fresh();
    let changes = 0;
    const service = new CacheService({ dataDir, onChange: () => changes++ });
    await service.start();
    const folder = join(dataDir, 'other');
    const added = await service.add('Other', { kind: 'file', path: folder, settings: [] });
    expect(await service.test(added.id)).toMatchObject({ status: 'problem', code: 'not-found', message: `The folder ${folder} does not exist.` });
    await mkdir(folder);
    expect(await service.test(added.id)).toMatchObject({ status: 'problem', code: 'not-a-cache' });
    expect(await service.initialise(added.id, { wantMassQuery: false, priority: 50 })).toEqual({ storeDir: '/nix/store', wantMassQuery: false, priority: 50 });
    expect(await service.test(added.id)).toMatchObject({ status: 'ok', info: { priority: 50, wantMassQuery: false } });
    await service.update(added.id, 'Renamed', { kind: 'file', path: folder, settings: [['compression', 'zstd']] });
    expect(service.list().caches[1]).toMatchObject({ name: 'Renamed', storeUrl: `file://${folder}?compression=zstd` });
    await service.select(added.id);
    expect(service.list().selectedId).toBe(added.id);
    await service.remove(added.id);
    expect(service.list().caches.map((c) => c.name)).toEqual(['Local cache']);
    expect(service.list().selectedId).toBe(service.list().caches[0]!.id);
    expect(changes).toBe(4); // add, update, select, remove
    await expect(service.select('c-nope')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses a cache for another store directory, and will not re-initialise it', async () => {
    const dataDir = await fresh();
    const service = new CacheService({ dataDir });
    await service.start();
    const folder = join(dataDir, 'foreign');
    await mkdir(folder);
    await writeFile(join(folder, 'nix-cache-info'), 'StoreDir: /gnu/store\n');
    const added = await service.add('Foreign', { kind: 'file', path: folder, settings: [] });
    expect(await service.test(added.id)).toMatchObject({ status: 'problem', code: 'store-dir-mismatch', message: expect.stringContaining('/gnu/store') });
    await expect(service.initialise(added.id, { wantMassQuery: true, priority: 40 })).rejects.toMatchObject({ code: 'store-dir-mismatch' });
    expect(await readFile(join(folder, 'nix-cache-info'), 'utf8')).toBe('StoreDir: /gnu/store\n');
  });

  it('reports a corrupt settings file, keeps it aside and starts fresh', async () => {
    const dataDir = await fresh();
    await writeFile(join(dataDir, 'settings.json'), '{"version":1,"caches":[{"id":');
    const service = new CacheService({ dataDir });
    await service.start();
    expect(service.notices).toHaveLength(1);
    expect(service.notices[0]!.message).toMatch(/could not be read \(not JSON.*moved to .*settings\.json\.corrupt-/);
    expect(service.list().caches).toHaveLength(1);
  });

  it('will not initialise an HTTP cache', async () => {
    const service = new CacheService({ dataDir: await fresh() });
    await service.start();
    const added = await service.add('Upstream', { kind: 'http', url: 'https://cache.example.org', settings: [] });
    await expect(service.initialise(added.id, { wantMassQuery: true, priority: 40 })).rejects.toMatchObject({ code: 'read-only' });
  });
});

const folderConfig = (path: string) => ({ kind: 'file' as const, path, settings: [] as Array<[string, string]> });
const s3Config = (bucket: string, more: Record<string, string> = {}) => ({ kind: 's3' as const, bucket, endpoint: '127.0.0.1:7480', scheme: 'http' as const, settings: [] as Array<[string, string]>, ...more });
const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

async function started(options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}) {
  const dataDir = await fresh();
  const service = new CacheService({ dataDir, ...options });
  await service.start();
  return { dataDir, service };
}

describe('CacheService under concurrent changes', () => {
  it('keeps every one of 20 caches added at the same moment, in memory and on disk', async () => {
    const { dataDir, service } = await started();
    const added = await Promise.all(times(20, (i) => service.add(`Race ${i}`, folderConfig(`/tmp/race-${i}`))));
    const ids = added.map((c) => c.id).sort();
    expect(service.list().caches.filter((c) => !c.builtIn).map((c) => c.id).sort()).toEqual(ids);
    const reread = new CacheService({ dataDir });
    await reread.start();
    expect(reread.list().caches.filter((c) => !c.builtIn).map((c) => c.id).sort()).toEqual(ids);

    // Edits, selections and removals at once: each lands.
    await Promise.all([
      ...added.slice(0, 10).map((c, i) => service.update(c.id, `Renamed ${i}`, folderConfig(`/tmp/moved-${i}`))),
      service.select(added[10]!.id),
      ...added.slice(11).map((c) => service.remove(c.id)),
    ]);
    const after = new CacheService({ dataDir });
    await after.start();
    expect(after.list().caches.filter((c) => !c.builtIn).map((c) => c.name).sort()).toEqual([...times(10, (i) => `Renamed ${i}`), 'Race 10'].sort());
    expect(after.list().selectedId).toBe(service.list().selectedId);
  });

  it('makes one built-in cache when two services start at once on a fresh data folder', async () => {
    const dataDir = await fresh();
    const [a, b] = [new CacheService({ dataDir }), new CacheService({ dataDir })];
    await Promise.all([a.start(), b.start()]);
    expect(a.list()).toEqual(b.list());
    expect(a.list().caches).toHaveLength(1);
  });

  it('keeps the changes of two services on one data folder (the CLI and narwhal serve, say)', async () => {
    const dataDir = await fresh();
    const [a, b] = [new CacheService({ dataDir }), new CacheService({ dataDir })];
    await a.start();
    await b.start();
    await a.add('From A', folderConfig('/tmp/from-a'));
    await b.add('From B', folderConfig('/tmp/from-b'));
    const reread = new CacheService({ dataDir });
    await reread.start();
    expect(reread.list().caches.map((c) => c.name)).toEqual(['Local cache', 'From A', 'From B']);
  });

  it('saves a folder added five times at once only once', async () => {
    const { service } = await started();
    const results = await Promise.allSettled(times(5, (i) => service.add(`Twin ${i}`, folderConfig('/tmp/twin'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(service.list().caches.filter((c) => c.config.kind === 'file' && c.config.path === '/tmp/twin')).toHaveLength(1);
  });
});

describe('CacheService stores follow the saved configuration', () => {
  it('never keeps a store of the old configuration opened while an edit was being saved', async () => {
    const { service } = await started();
    const cache = await service.add('Moving', folderConfig('/tmp/narwhal-old-place'));
    const before = service.storeFor(cache.id);
    const editing = service.update(cache.id, 'Moving', folderConfig('/tmp/narwhal-new-place'));
    // While the settings are being written, the old configuration is still the saved one.
    expect(service.storeFor(cache.id).description).toBe('folder /tmp/narwhal-old-place');
    await editing;
    expect(service.storeFor(cache.id).description).toBe('folder /tmp/narwhal-new-place');
    expect(service.storeFor(cache.id)).not.toBe(before);
  });

  it('keeps the open store when a cache is only renamed', async () => {
    const { service } = await started();
    const cache = await service.add('Old name', folderConfig('/tmp/narwhal-stays'));
    const store = service.storeFor(cache.id);
    await service.update(cache.id, 'New name', folderConfig('/tmp/narwhal-stays'));
    expect(service.storeFor(cache.id)).toBe(store);
  });

  it('gives an identity that follows the bucket and endpoint, not the name or the profile', async () => {
    const { service } = await started();
    const cache = await service.add('Bucket', s3Config('cache-a'));
    const identity = service.identityOf(cache.id);
    await service.update(cache.id, 'Renamed', s3Config('cache-a', { profile: 'ci' }));
    expect(service.identityOf(cache.id)).toBe(identity);
    await service.update(cache.id, 'Renamed', s3Config('cache-b'));
    const otherBucket = service.identityOf(cache.id);
    expect(otherBucket).not.toBe(identity);
    await service.update(cache.id, 'Renamed', s3Config('cache-b', { endpoint: '127.0.0.1:7481' }));
    expect(service.identityOf(cache.id)).not.toBe(otherBucket);
    expect(() => service.identityOf('c-nope')).toThrow(/No saved cache/);
  });
});

describe('CacheService refuses duplicate connections', () => {
  it('refuses to save a bucket, folder or URL twice, naming the cache that has it', async () => {
    const { service } = await started();
    const bucket = await service.add('Team cache', s3Config('team'));
    await expect(service.add('Again', s3Config('team', { profile: 'other', region: 'eu-west-1' }))).rejects.toMatchObject({
      code: 'conflict',
      message: 'This bucket is already saved as "Team cache".',
    });
    await expect(service.add('Again', s3Config('team', { endpoint: 'http://127.0.0.1:7480/' }))).rejects.toMatchObject({ code: 'conflict' });
    const local = service.list().caches[0]!;
    await expect(service.add('Mine', local.config)).rejects.toMatchObject({ message: 'This folder is already saved as "Local cache".' });
    if (local.config.kind === 'file') {
      await expect(service.add('Mine', { ...local.config, path: `${local.config.path}/` })).rejects.toMatchObject({ message: 'This folder is already saved as "Local cache".' });
    }
    await service.add('Upstream', { kind: 'http', url: 'https://cache.example.org', settings: [] });
    await expect(service.add('Upstream 2', { kind: 'http', url: 'https://cache.example.org/', settings: [] })).rejects.toMatchObject({ message: 'This cache URL is already saved as "Upstream".' });

    // An edit that would make one cache the twin of another is refused too; editing a cache in place is not.
    const other = await service.add('Other', s3Config('other'));
    await expect(service.update(other.id, 'Other', s3Config('team'))).rejects.toMatchObject({ code: 'conflict', message: 'This bucket is already saved as "Team cache".' });
    await expect(service.update(bucket.id, 'Team cache (CI)', s3Config('team', { profile: 'ci' }))).resolves.toMatchObject({ name: 'Team cache (CI)' });
    expect(service.list().caches).toHaveLength(4);
  });
});

describe('CacheService folder paths', () => {
  it('expands ~ to the home folder before checking and saving', async () => {
    const { service } = await started({ env: { HOME: '/home/someone' } });
    expect((await service.add('Home', folderConfig('~/nix-cache'))).config).toEqual(folderConfig('/home/someone/nix-cache'));
    expect((await service.add('Home itself', folderConfig('~'))).config).toEqual(folderConfig('/home/someone'));
  });

  it('expands ~ on Windows to the user profile', async () => {
    const { service } = await started({ env: { USERPROFILE: 'C:\\Users\\me', HOME: '/ignored' }, platform: 'win32' });
    const added = await service.add('Home', folderConfig('~\\nix cache'));
    expect(added.config).toEqual(folderConfig('C:\\Users\\me\\nix cache'));
    expect(added.storeUrl).toBe('file:///C:/Users/me/nix%20cache');
  });

  it('accepts absolute paths of the platform it runs on and says why others are refused', async () => {
    const posix = (await started({ platform: 'linux' })).service;
    await expect(posix.add('Win', folderConfig('C:\\Users\\me\\cache'))).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'C:\\Users\\me\\cache is not an absolute path on this computer (linux); give one like /srv/nix-cache.',
    });
    await expect(posix.add('Relative', folderConfig('cache'))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('"cache" is relative') });

    const windows = (await started({ platform: 'win32' })).service;
    expect((await windows.add('Drive', folderConfig('D:/caches/nix'))).config).toEqual(folderConfig('D:\\caches\\nix'));
    expect((await windows.add('Share', folderConfig('\\\\server\\share\\nix'))).storeUrl).toBe('file:////server/share/nix');
    await expect(windows.add('Posix', folderConfig('/srv/cache'))).rejects.toMatchObject({ message: expect.stringContaining('give one like C:\\nix-cache') });
  });
});

describe('CacheService.initialise on a cache that already has nix-cache-info', () => {
  async function withInfo(content: string) {
    const { dataDir, service } = await started();
    const folder = join(dataDir, 'existing');
    await mkdir(folder);
    await writeFile(join(folder, 'nix-cache-info'), content);
    const cache = await service.add('Existing', folderConfig(folder));
    return { service, cache, read: () => readFile(join(folder, 'nix-cache-info'), 'utf8') };
  }

  it('changes nothing when asked for nothing, and never adds WantMassQuery or Priority', async () => {
    const original = 'Compression: zstd\nStoreDir: /nix/store\n';
    const { service, cache, read } = await withInfo(original);
    expect(await service.initialise(cache.id, {})).toEqual({ storeDir: '/nix/store' });
    expect(await service.initialise(cache.id, { wantMassQuery: undefined, priority: undefined })).toEqual({ storeDir: '/nix/store' });
    expect(await read()).toBe(original);
  });

  it('changes only the field asked for, keeping the others and lines it does not know', async () => {
    const { service, cache, read } = await withInfo('StoreDir: /nix/store\nWantMassQuery: 0\nX-Mirror-Of: https://cache.example.org\n');
    expect(await service.initialise(cache.id, { priority: 20 })).toEqual({ storeDir: '/nix/store', wantMassQuery: false, priority: 20 });
    expect(await read()).toBe('StoreDir: /nix/store\nWantMassQuery: 0\nPriority: 20\nX-Mirror-Of: https://cache.example.org\n');
    await service.initialise(cache.id, { wantMassQuery: true });
    expect(await read()).toBe('StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 20\nX-Mirror-Of: https://cache.example.org\n');
  });

  it('does not add a StoreDir line the file did not have', async () => {
    const { service, cache, read } = await withInfo('Priority: 41\n');
    expect(await service.initialise(cache.id, { priority: 42 })).toEqual({ storeDir: '/nix/store', priority: 42 });
    expect(await read()).toBe('Priority: 42\n');
  });

  it('leaves a nix-cache-info it cannot read as it is', async () => {
    const { service, cache, read } = await withInfo('StoreDir: /nix/store\nPriority: high\n');
    await expect(service.initialise(cache.id, { priority: 40 })).rejects.toMatchObject({ code: 'bad-format', message: expect.stringContaining('it was left as it is') });
    expect(await read()).toBe('StoreDir: /nix/store\nPriority: high\n');
  });

  it('writes only StoreDir to a new cache when asked for nothing else', async () => {
    const { dataDir, service } = await started();
    const cache = await service.add('New', folderConfig(join(dataDir, 'new')));
    expect(await service.initialise(cache.id, {})).toEqual({ storeDir: '/nix/store' });
    expect(await readFile(join(dataDir, 'new', 'nix-cache-info'), 'utf8')).toBe('StoreDir: /nix/store\n');
  });
});
