import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeNix32 } from '../../shared/nix/nix32';
import { SettingsStore } from '../services/settings/settings-store';
import { runCommandLine } from './test-harness';

let cacheDir: string;
let dataDir: string;
let storePaths: string[];
const count = 300;

/** A folder cache written by hand: nix-cache-info and `count` narinfos. */
async function makeFolderCache(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n');
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const hash = encodeNix32(randomBytes(20));
    const storePath = `/nix/store/${hash}-pkg-${i}`;
    paths.push(storePath);
    const narHash = encodeNix32(randomBytes(32));
    await writeFile(join(dir, `${hash}.narinfo`), `StorePath: ${storePath}\nURL: nar/${narHash}.nar\nCompression: none\nNarHash: sha256:${narHash}\nNarSize: 120\nReferences: \n`);
  }
  return paths.sort();
}

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'narwhal-cli-store-'));
  cacheDir = join(root, 'cache with space');
  storePaths = await makeFolderCache(cacheDir);
  dataDir = join(root, 'data');
  await mkdir(dataDir);
  await new SettingsStore(dataDir).save({
    version: 1,
    caches: [
      { id: 'builtin', name: 'Local', config: { kind: 'file', path: join(root, 'empty'), settings: [] }, builtIn: true },
      { id: 'c1', name: 'team cache', config: { kind: 'file', path: cacheDir, settings: [] }, builtIn: false },
    ],
    selectedId: 'c1',
  });
});

const env = (extra: NodeJS.ProcessEnv = {}) => ({ HOME: tmpdir(), ...extra });
const listing = () => storePaths.join('\n') + '\n';

describe('narwhal ls / info NAME: a saved cache by its name', () => {
  it('ls and info accept a saved cache name (or id) with --data-dir or NARWHAL_DATA_DIR', async () => {
    expect(await runCommandLine(['ls', 'team cache', '--data-dir', dataDir], { env: env() })).toEqual({ status: 0, stdout: listing(), stderr: '' });
    expect(await runCommandLine(['ls', 'team cache'], { env: env({ NARWHAL_DATA_DIR: dataDir }) })).toEqual({ status: 0, stdout: listing(), stderr: '' });
    expect(await runCommandLine(['ls', 'c1', '--data-dir', dataDir], { env: env() })).toMatchObject({ status: 0, stdout: listing() });
    expect(await runCommandLine(['info', 'team cache', '--data-dir', dataDir], { env: env() })).toEqual({ status: 0, stdout: 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n', stderr: '' });
    // A store URL still works, and --data-dir does not get in its way.
    expect(await runCommandLine(['info', `file://${encodeURI(cacheDir)}`, '--json', '--data-dir', dataDir], { env: env() })).toMatchObject({ status: 0, stdout: '{"storeDir":"/nix/store","wantMassQuery":true,"priority":30}\n' });
  });

  it('an unknown name lists the saved names', async () => {
    const result = await runCommandLine(['ls', 'team', '--data-dir', dataDir], { env: env() });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`narwhal ls: "team" is not a store URL, nor the name of a saved cache in ${dataDir} (saved caches: "Local", "team cache")`);
    const none = await runCommandLine(['info', 'team', '--data-dir', join(dataDir, 'nothing-here')], { env: env() });
    expect(none).toMatchObject({ status: 2, stderr: expect.stringContaining('(it has no saved caches)') });
  });
});

describe('narwhal ls: progress on a terminal', () => {
  it('draws a progress line on stderr in place, and clears it before the result', async () => {
    const result = await runCommandLine(['ls', 'team cache', '--data-dir', dataDir], { env: env(), stderrTTY: { columns: 120 } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(listing());
    // Every redraw starts by returning to the start of the line and erasing it; the last one clears it.
    const draws = result.stderr.split('\r\x1b[K').slice(1);
    expect(draws.length).toBeGreaterThanOrEqual(2);
    expect(draws.at(-1)).toBe('');
    expect(draws[0]).toBe('listing narinfo keys…');
    expect(result.stderr).not.toContain('\n');
    for (const text of draws.slice(1, -1)) expect(text).toMatch(/^listed \d+ narinfo keys( … read \d+\/300 narinfos|…)$/);
  });

  it('draws nothing when stderr is not a terminal (a CI log)', async () => {
    expect((await runCommandLine(['ls', 'team cache', '--data-dir', dataDir], { env: env() })).stderr).toBe('');
  });
});
