import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, formatSecretKey, generateSecretKey } from '../../../shared/nix/keys';
import { KeyStore } from './key-store';
import { plainFileBox } from './secret-box';

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

async function setup() {
  const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-keys-race-'));
  return { dataDir, keyDir: join(dataDir, 'keys'), store: new KeyStore(dataDir, plainFileBox) };
}

/** The files in the key folder other than the index must be exactly the secrets the index points at. */
async function expectNoOrphans(keyDir: string): Promise<void> {
  const index = JSON.parse(await readFile(join(keyDir, 'keys.json'), 'utf8')) as { keys: Array<{ secretFile?: string }> };
  const pointedAt = index.keys.flatMap((k) => (k.secretFile ? [k.secretFile] : [])).sort();
  expect((await readdir(keyDir)).filter((f) => f !== 'keys.json').sort()).toEqual(pointedAt);
}

describe('KeyStore under concurrent calls', () => {
  it('keeps every one of 20 keys generated at the same moment, with no orphaned secret file', async () => {
    const { store, keyDir } = await setup();
    const made = await Promise.all(times(20, (i) => store.generate(`race-${i}`)));
    expect((await store.list()).map((k) => k.id).sort()).toEqual(made.map((k) => k.id).sort());
    await expectNoOrphans(keyDir);
  });

  it('keeps every secret and public key imported at once, and removes them all at once', async () => {
    const { store, keyDir } = await setup();
    const secrets = times(20, (i) => generateSecretKey(`secret-${i}`));
    const publics = times(20, (i) => formatPublicKey(generateSecretKey(`public-${i}`).publicKey));
    const imported = await Promise.all([...secrets.map((s) => store.importSecret(formatSecretKey(s))), ...publics.map((p) => store.importPublic(p))]);
    expect((await store.list()).map((k) => k.publicKey).sort()).toEqual([...secrets.map((s) => formatPublicKey(s.publicKey)), ...publics].sort());
    await expectNoOrphans(keyDir);

    await Promise.all(imported.map((k) => store.remove(k.id)));
    expect(await store.list()).toEqual([]);
    expect(await readdir(keyDir)).toEqual(['keys.json']);
  });

  it('imports the same secret pasted five times at once exactly once; the others are told it is there', async () => {
    const { store, keyDir } = await setup();
    const text = formatSecretKey(generateSecretKey('twice-1'));
    const results = await Promise.allSettled(times(5, () => store.importSecret(text)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['conflict', 'conflict', 'conflict', 'conflict']);
    expect(await store.list()).toHaveLength(1);
    await expectNoOrphans(keyDir);
  });

  it('shares the queue with another KeyStore on the same folder', async () => {
    const { store, dataDir, keyDir } = await setup();
    const other = new KeyStore(dataDir, plainFileBox);
    await Promise.all(times(10, (i) => (i % 2 ? store : other).generate(`both-${i}`)));
    expect(await store.list()).toHaveLength(10);
    await expectNoOrphans(keyDir);
  });
});
