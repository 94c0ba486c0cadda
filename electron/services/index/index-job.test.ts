import { rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import { contract, events } from '../../../shared/api/contract';
import { wireClient } from '../../../shared/api/test-wiring';
import { startNarwhal } from '../narwhal';
import { indexFile } from './index-file';
import { syntheticNarinfo } from './synthetic-narinfos';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('index.refresh and index.page through the API', () => {
  it('indexes a saved folder cache as a job and pages its rows, filtered and sorted, from the file the CLI uses', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-index-job-'));
    dirs.push(dataDir);
    const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { HOME: dataDir, NIX_CONF_DIR: join(dataDir, 'no-nix') } });
    const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
    const cache = (await client.api.caches.list()).caches[0]!;
    if (cache.config.kind !== 'file') throw new Error('the built-in cache is a folder');
    await client.api.caches.initialise({ cacheId: cache.id });
    for (let i = 0; i < 12; i++) await writeFile(join(cache.config.path, syntheticNarinfo(i).key), syntheticNarinfo(i, { sigs: i % 2 ? ['a-1:' + 'A'.repeat(86) + '=='] : [] }).text);
    await writeFile(join(cache.config.path, `${'0'.repeat(32)}.narinfo`), 'garbage\n');

    expect(await client.api.index.page({ cacheId: cache.id, offset: 0, limit: 10 })).toEqual({ rows: [], total: 0 });
    const phases: string[] = [];
    const summary = await client.api.index.refresh({ cacheId: cache.id }, { onProgress: (p) => phases.push(p.phase) }).result;
    expect(summary).toMatchObject({ total: 13, added: 13, read: 13, errors: 1 });
    expect(phases).toContain('reading');

    const page = await client.api.index.page({ cacheId: cache.id, offset: 0, limit: 3, sort: { column: 'narSize', descending: true } });
    expect(page.total).toBe(13);
    expect(page.refreshedAt).toMatch(/^\d{4}-/);
    expect(page.rows[0]).toEqual({
      hash: syntheticNarinfo(11).hash,
      storePath: syntheticNarinfo(11).storePath,
      name: 'synthetic-11',
      narSize: 4011,
      fileSize: 1011,
      compression: 'xz',
      references: 1,
      signers: ['a-1'],
      lastModified: expect.any(Number),
    });
    const broken = await client.api.index.page({ cacheId: cache.id, offset: 0, limit: 10, filter: '0000000' });
    expect(broken.rows).toEqual([{ hash: '0'.repeat(32), references: 0, signers: [], lastModified: expect.any(Number), error: expect.stringContaining('0'.repeat(32)) }]);
    expect((await client.api.index.page({ cacheId: cache.id, offset: 0, limit: 20, filter: 'synthetic-1' })).total).toBe(3);

    expect(await client.api.index.stats({ cacheId: cache.id })).toEqual({
      paths: 12,
      narBytes: 12 * 4000 + 66,
      fileBytes: 12 * 1000 + 66,
      unsigned: 6,
      errors: 1,
      compression: [{ method: 'xz', paths: 12, narBytes: 12 * 4000 + 66, fileBytes: 12 * 1000 + 66 }],
      signers: [{ key: 'a-1', paths: 6 }],
      refreshedAt: page.refreshedAt,
      // The folder has no nar/: every usable narinfo's NAR is missing.
      narsListedAt: expect.stringMatching(/^\d{4}-/),
      narFiles: 0,
      narFileBytes: 0,
      narMissing: 12,
    });

    // Nothing changed: the second job reads no narinfo.
    expect(await client.api.index.refresh({ cacheId: cache.id }).result).toMatchObject({ total: 13, read: 0 });
    expect(indexFile(dataDir, cache.config)).toMatch(new RegExp(`^${dataDir}/index/[0-9a-f]{64}\\.sqlite$`));
  });
});
