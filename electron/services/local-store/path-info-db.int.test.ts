/**
 * Reading closures from Nix's database against `nix path-info --json` (the oracle) on the real store
 * of Debian's Nix 2.8: the same paths, hashes, sizes, references, derivers, signatures and content
 * addresses; and every case where the database is not for us goes to the CLI instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureClosure, nixEnv, nixGenerateKey, type FixtureClosure } from '../../../scripts/testbed/nix';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { databaseUnusable, nixDatabaseDir, readPathInfos } from './path-info-db';
import { pathInfo } from './path-info';

const env = nixEnv();
let fixture: FixtureClosure;
let tmp: string;
let caPath: string;

beforeAll(async () => {
  fixture = await buildFixtureClosure('path-info-db');
  tmp = await mkdtemp(path.join(tmpdir(), 'narwhal-pathinfo-db-'));
  // A signed path and a content-addressed one, so those columns are compared too.
  const key = await nixGenerateKey('narwhal-pathinfo-db-1');
  const keyFile = path.join(tmp, 'secret.key');
  await writeFile(keyFile, key.secret, { mode: 0o600 });
  execFileSync('nix', ['store', 'sign', '--key-file', keyFile, fixture.top], { env, stdio: 'ignore' });
  const added = path.join(tmp, 'added.txt');
  await writeFile(added, `content-addressed ${Date.now()}\n`);
  caPath = execFileSync('nix-store', ['--add', added], { env }).toString().trim();
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Nix 2.8's JSON says `ultimate` only when true; the database also knows when it is not. */
const sameAsCli = (infos: LocalPathInfo[]) => infos.map((i) => ({ ...i, ultimate: i.ultimate ?? false })).sort((a, b) => a.path.localeCompare(b.path));

describe('the database as Nix itself would read it (root here)', () => {
  it('is usable for this test run, and gives what nix path-info --json gives', async () => {
    expect(await databaseUnusable(env)).toBeUndefined();
    for (const [paths, recursive] of [
      [[fixture.top], true],
      [[fixture.top], false],
      [[caPath, ...fixture.all], false],
      [[caPath, fixture.top], true],
    ] as const) {
      const fromDb = await pathInfo(paths, { env, recursive, source: 'database' });
      const fromCli = await pathInfo(paths, { env, recursive, source: 'cli' });
      expect(sameAsCli(fromDb)).toEqual(sameAsCli(fromCli));
    }
    const [top] = await pathInfo([fixture.top], { env, source: 'database' });
    expect(top!.signatures.some((s) => s.startsWith('narwhal-pathinfo-db-1:'))).toBe(true);
    const [ca] = await pathInfo([caPath], { env, source: 'database' });
    expect(ca!.ca).toMatch(/^fixed:(r:)?sha256:[0-9a-z]{52}$/);
  });

  it('is what pathInfo reads by default, and a path it lacks goes to the CLI for Nix’s own message', async () => {
    const dir = nixDatabaseDir(env);
    const direct = readPathInfos(dir, [fixture.top], true);
    expect(direct.invalid).toEqual([]);
    expect(await pathInfo([fixture.top], { env, recursive: true })).toEqual(direct.infos);

    const gone = '/nix/store/c4q9nl8lccl7kdl2hjkgcjbc9dgs12rd-narwhal-never-built';
    expect(readPathInfos(dir, [fixture.top, gone], false).invalid).toEqual([gone]);
    await expect(pathInfo([gone], { env, recursive: true })).rejects.toMatchObject({ code: 'not-found', message: `${gone} is not in the local Nix store.` });
    await expect(pathInfo([gone], { env, source: 'database' })).rejects.toMatchObject({ code: 'not-found', message: `This path is not in the local Nix store: ${gone}` });
  });

  it('is left alone when another store is configured or the file is not a database; the CLI answers', async () => {
    expect(await databaseUnusable({ ...env, NIX_REMOTE: 'daemon' })).toBe('NIX_REMOTE is daemon');
    expect(await databaseUnusable({ ...env, NIX_REMOTE: 'ssh://builder' })).toBe('NIX_REMOTE is ssh://builder');
    expect(await databaseUnusable({ ...env, NIX_CONFIG: `${env.NIX_CONFIG}\nstore = local` })).toBe('NIX_CONFIG sets a store');
    const confDir = path.join(tmp, 'conf');
    await rm(confDir, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', confDir]);
    await writeFile(path.join(confDir, 'nix.conf'), 'sandbox = false\n  store = /tmp/elsewhere\n');
    expect(await databaseUnusable({ ...env, NIX_CONF_DIR: confDir })).toBe(`${path.join(confDir, 'nix.conf')} sets a store`);
    expect(await databaseUnusable({ ...env, NIX_DB_DIR: path.join(tmp, 'no-such-dir') })).toBe(`${path.join(tmp, 'no-such-dir')} is not writable by this user`);
    expect(await databaseUnusable({ ...env, NIX_DB_DIR: tmp })).toBe(`${tmp} has no db.sqlite`);

    // A file that is not SQLite: reading it fails, and pathInfo falls back to the CLI (which is told
    // nothing of NIX_DB_DIR here, so it reads the real store).
    await writeFile(path.join(tmp, 'db.sqlite'), 'not a database\n');
    expect(() => readPathInfos(tmp, [fixture.top], true)).toThrow(/not a database/);
    // `store = local` in NIX_CONFIG sends pathInfo to the CLI, which gives the same closure.
    const viaCli = await pathInfo([fixture.top], { env: { ...env, NIX_CONFIG: `${env.NIX_CONFIG}\nstore = local` }, recursive: true });
    expect(sameAsCli(viaCli)).toEqual(sameAsCli(await pathInfo([fixture.top], { env, recursive: true })));
    await expect(pathInfo([fixture.top], { env: { ...env, NIX_REMOTE: 'daemon' }, source: 'database' })).rejects.toMatchObject({ code: 'internal', message: "Nix's database cannot be read here: NIX_REMOTE is daemon." });
  });
});
