import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import { contract, events } from '../../../shared/api/contract';
import { wireClient } from '../../../shared/api/test-wiring';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixGenerateKey } from '../../../scripts/testbed/nix';
import { startNarwhal } from '../narwhal';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The copy as the page drives it, through the API across the contextBridge model: a job with phases
// and progress, re-signed with a key of the key store; Nix substitutes the destination.
describe('copy through the API', () => {
  it('copies a closure between two saved caches as a job, recompressed and signed, and Nix substitutes it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-copy-job-'));
    dirs.push(dataDir);
    const fixture = await buildFixtureClosure('copy-job');
    const nixKey = await nixGenerateKey('copy-job-source-1');
    await nixCopyToFile(join(dataDir, 'source'), [fixture.top], { secretKey: nixKey.secret });
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { ...process.env, HOME: dataDir } });
    const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
    const source = await client.api.caches.add({ name: 'Source', config: { kind: 'file', path: join(dataDir, 'source'), settings: [] } });
    const dest = await client.api.caches.add({ name: 'Destination', config: { kind: 'file', path: join(dataDir, 'dest'), settings: [] } });
    const key = await client.api.keys.generate({ name: 'copy-job-1' });

    await expect(client.api.copy.run({ fromCacheId: source.id, toCacheId: source.id, paths: [fixture.top] }).result).rejects.toMatchObject({ code: 'invalid-input', message: 'Source and Source are the same cache.' });

    const phases = new Set<string>();
    let last: { pathsDone: number; pathsTotal: number } | undefined;
    const handle = client.api.copy.run(
      { fromCacheId: source.id, toCacheId: dest.id, paths: [fixture.top], compression: 'zstd', keyId: key.id },
      {
        onProgress: (p) => {
          phases.add(p.phase);
          last = p;
        },
      },
    );
    const summary = await handle.result;
    expect(summary).toMatchObject({ copied: 3, skipped: 0, recompressedTo: 'zstd', signedWith: key.publicKey });
    expect(summary.substituters).toContain(key.publicKey);
    expect([...phases]).toContain('copying');
    expect(last).toMatchObject({ pathsDone: 3, pathsTotal: 3 });
    const { jobs } = await client.api.jobs.list();
    expect(jobs.find((j) => j.id === handle.id)).toMatchObject({ kind: 'copy.run', state: 'done', title: 'Copy narwhal-fixture-copy-job-top from Source to Destination' });

    const nix = await nixCopyFromHttp(`file://${join(dataDir, 'dest')}`, fixture.top, key.publicKey);
    expect(nix.ok, nix.stderr).toBe(true);
    expect(await client.api.copy.run({ fromCacheId: source.id, toCacheId: dest.id, paths: [fixture.top] }).result).toMatchObject({ copied: 0 });
  });
});
