import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore } from './settings-store';

const fresh = () => mkdtemp(join(tmpdir(), 'narwhal-settings-'));
const sample = { version: 1 as const, caches: [{ id: 'c-1', name: 'A', config: { kind: 'file' as const, path: '/tmp/a', settings: [] }, builtIn: false }], selectedId: 'c-1' };

describe('SettingsStore', () => {
  it('saves atomically with mode 0600 and loads back', async () => {
    const dir = await fresh();
    const store = new SettingsStore(dir);
    expect(await store.load()).toEqual({ settings: null });
    await store.save(sample);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect((await store.load()).settings).toEqual(sample);
  });

  it('keeps a built-in cache in a Windows data folder, and UNC shares', async () => {
    const store = new SettingsStore(await fresh());
    const windows = {
      version: 1 as const,
      caches: [
        { id: 'c-1', name: 'Local cache', config: { kind: 'file' as const, path: 'C:\\Users\\me\\AppData\\Roaming\\Narwhal\\local-cache', settings: [] }, builtIn: true },
        { id: 'c-2', name: 'Share', config: { kind: 'file' as const, path: '\\\\nas\\nix\\cache', settings: [] }, builtIn: false },
      ],
      selectedId: 'c-1',
    };
    await store.save(windows);
    const loaded = await store.load();
    expect(loaded).toEqual({ settings: windows });
  });

  it.each([
    ['not JSON', '{"version": 1, "caches": [', /not JSON/],
    ['a wrong shape', JSON.stringify({ version: 1, caches: [{ id: 'x' }], selectedId: null }), /caches\.0\.name/],
    ['a future version', JSON.stringify({ version: 2, caches: [], selectedId: null }), /version/],
  ])('moves %s aside instead of replacing it', async (_what, content, reason) => {
    const dir = await fresh();
    const store = new SettingsStore(dir);
    await writeFile(store.path, content);
    const result = await store.load();
    expect(result.settings).toBeNull();
    expect(result.movedAside?.reason).toMatch(reason);
    expect(await readFile(result.movedAside!.path, 'utf8')).toBe(content);
    expect((await readdir(dir)).filter((n) => n === 'settings.json')).toEqual([]);
  });
});
