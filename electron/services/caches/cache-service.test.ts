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
