import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import { contract, events } from '../../../shared/api/contract';
import { wireClient } from '../../../shared/api/test-wiring';
import { buildFixtureClosure, nixCopyFromHttp } from '../../../scripts/testbed/nix';
import { startNarwhal } from '../narwhal';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The push as the page drives it: local closure, what the cache has, then the push job, all through
// the API across the contextBridge model; Nix then substitutes what was pushed.
describe('push through the API', () => {
  it('shows the closure and what the cache has, pushes it as a job with progress, and Nix substitutes it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-push-job-'));
    dirs.push(dataDir);
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { ...process.env, HOME: dataDir } });
    const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
    const { caches } = await client.api.caches.list();
    const cache = caches[0]!;
    const fixture = await buildFixtureClosure('push-job');

    const before = await client.api.local.closure({ paths: [fixture.top], cacheId: cache.id });
    expect(before.paths.map((p) => p.path).sort()).toEqual([...fixture.all].sort());
    expect(before.inCache).toEqual({ paths: 0, narSize: 0 });

    await expect(client.api.push.run({ cacheId: cache.id, paths: [fixture.top], compression: 'gzip' }).result).rejects.toMatchObject({
      code: 'invalid-input',
      message: /confirm pushing unsigned/,
    });

    const key = await client.api.keys.generate({ name: 'push-job-1' });
    const phases = new Set<string>();
    const handle = client.api.push.run({ cacheId: cache.id, paths: [fixture.top], keyId: key.id, compression: 'gzip' }, { onProgress: (p) => phases.add(p.phase) });
    const summary = await handle.result;
    expect(summary).toMatchObject({ pushed: 3, skipped: 0, signedWith: key.publicKey });
    expect(summary.substituters).toContain(key.publicKey);
    expect([...phases]).toContain('pushing');
    const { jobs } = await client.api.jobs.list();
    expect(jobs.find((j) => j.id === handle.id)).toMatchObject({ kind: 'push.run', state: 'done', title: expect.stringMatching(/^Push narwhal-fixture-push-job-top to /) });

    const after = await client.api.local.closure({ paths: [fixture.top], cacheId: cache.id });
    expect(after.inCache).toEqual({ paths: 3, narSize: after.narSize });
    const again = await client.api.push.run({ cacheId: cache.id, paths: [fixture.top], keyId: key.id, compression: 'gzip' }).result;
    expect(again).toMatchObject({ pushed: 0, skipped: 3 });

    const nix = await nixCopyFromHttp(`file://${join(dataDir, 'local-cache')}`, fixture.top, key.publicKey);
    expect(nix.ok, nix.stderr).toBe(true);
  });

  it('makes an empty folder a cache before pushing to it, as nix copy does', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-push-empty-'));
    dirs.push(dataDir);
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { ...process.env, HOME: dataDir } });
    const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
    const target = join(dataDir, 'empty-cache');
    const cache = await client.api.caches.add({ name: 'Empty', config: { kind: 'file', path: target, settings: [] } });
    const fixture = await buildFixtureClosure('push-empty');
    const summary = await client.api.push.run({ cacheId: cache.id, paths: [fixture.top], unsigned: true, compression: 'none' }).result;
    expect(summary).toMatchObject({ pushed: 3 });
    expect(await readFile(join(target, 'nix-cache-info'), 'utf8')).toBe('StoreDir: /nix/store\n');
  });

  it("writes .ls listings when writeNarListing asks, or else when the cache's URL says write-nar-listing=true", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-push-ls-'));
    dirs.push(dataDir);
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { ...process.env, HOME: dataDir } });
    const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
    const listings = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.ls'));
    const push = async (name: string, settings: Array<[string, string]>, writeNarListing?: boolean) => {
      const path = join(dataDir, name);
      const cache = await client.api.caches.add({ name, config: { kind: 'file', path, settings } });
      const fixture = await buildFixtureClosure(`push-job-${name}`);
      const input = { cacheId: cache.id, paths: [fixture.top], unsigned: true, compression: 'none' as const };
      await client.api.push.run(writeNarListing === undefined ? input : { ...input, writeNarListing }).result;
      return listings(path);
    };
    expect(await push('asked', [], true)).toHaveLength(3);
    expect(await push('by-url', [['write-nar-listing', 'true']])).toHaveLength(3);
    expect(await push('unticked', [['write-nar-listing', 'true']], false)).toHaveLength(0);
    expect(await push('plain', [])).toHaveLength(0);
  });
});
