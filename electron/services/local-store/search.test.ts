import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeHash, makeFakeStore } from './fake-store-test-util';
import { forgetStoreListing, searchStore } from './search';

beforeEach(() => forgetStoreListing());

describe('searchStore', () => {
  it('matches the name after the hash, case-insensitively, prefix matches and shorter names first', async () => {
    const s = await makeFakeStore();
    const hello = await s.add('hello-2.12');
    const wrapper = await s.add('hello-unfree-wrapper');
    const shell = await s.add('bash-interactive-Hello');
    await s.add('python3-3.11');
    const r = await searchStore('HELLO', { storeDir: s.storeDir });
    expect(r.matches.map((m) => m.path)).toEqual([hello, wrapper, shell]);
    expect(r.matches[0]!.name).toBe('hello-2.12');
    expect(r).toMatchObject({ total: 3, scanned: 4 });
  });

  it('does not match the hash part', async () => {
    const s = await makeFakeStore();
    const p = await s.add('zlib-1.3');
    const hash = path.basename(p).slice(0, 10);
    expect((await searchStore(hash, { storeDir: s.storeDir })).matches).toEqual([]);
  });

  it('skips derivations, locks and .links unless asked', async () => {
    const s = await makeFakeStore();
    const out = await s.add('openssl-3.0');
    const drv = await s.add('openssl-3.0.drv');
    const lock = await s.add('openssl-3.0.lock');
    await mkdir(path.join(s.storeDir, '.links'));
    expect((await searchStore('openssl', { storeDir: s.storeDir })).matches.map((m) => m.path)).toEqual([out]);
    forgetStoreListing();
    expect((await searchStore('openssl', { storeDir: s.storeDir, derivations: true })).matches.map((m) => m.path)).toEqual([out, drv]);
    forgetStoreListing();
    const all = await searchStore('', { storeDir: s.storeDir, derivations: true, special: true });
    expect(all.matches.map((m) => m.path).sort()).toEqual([out, drv, lock, path.join(s.storeDir, '.links')].sort());
  });

  it('is bounded by the limit and still counts every match', async () => {
    const s = await makeFakeStore();
    for (let i = 0; i < 30; i++) await s.add(`pkg-${String(i).padStart(2, '0')}`);
    const r = await searchStore('pkg', { storeDir: s.storeDir, limit: 5 });
    expect(r.matches.map((m) => m.name)).toEqual(['pkg-00', 'pkg-01', 'pkg-02', 'pkg-03', 'pkg-04']);
    expect(r.total).toBe(30);
  });

  it('says plainly when there is no store', async () => {
    await expect(searchStore('x', { storeDir: '/nonexistent/nix/store' })).rejects.toMatchObject({ code: 'not-found', message: 'There is no Nix store at /nonexistent/nix/store.' });
  });

  it('searches 50 000 entries quickly', { timeout: 60_000 }, async () => {
    const s = await makeFakeStore();
    const names: string[] = [];
    for (let i = 0; i < 50_000; i++) names.push(`${fakeHash()}-${i % 7 === 0 ? 'python3.11-pkg' : 'lib'}-${i}${i % 3 === 0 ? '.drv' : ''}`);
    // Empty files are enough: the search reads names only.
    for (let i = 0; i < names.length; i += 500) await Promise.all(names.slice(i, i + 500).map((n) => writeFile(path.join(s.storeDir, n), '')));
    const t0 = performance.now();
    const r = await searchStore('Python3.11', { storeDir: s.storeDir, limit: 100 });
    const cold = performance.now() - t0;
    const t1 = performance.now();
    await searchStore('python3.11-pkg-49', { storeDir: s.storeDir });
    const warm = performance.now() - t1;
    expect(r.scanned).toBe(50_000);
    expect(r.total).toBe(names.filter((n) => n.includes('python3.11') && !n.endsWith('.drv')).length);
    expect(r.matches).toHaveLength(100);
    // Measured here (2 cores): 70-90 ms cold (readdir), 20-35 ms from the cached listing even when
    // 43 000 entries match; the bounds leave room for a loaded CI machine.
    expect(cold).toBeLessThan(1500);
    expect(warm).toBeLessThan(500);
  });
});
