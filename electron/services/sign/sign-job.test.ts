import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exposeAcrossModel } from '../../../shared/api/context-bridge-model';
import type { SignProgressView } from '../../../shared/api/contract';
import { contract, events, maxSignFailuresListed } from '../../../shared/api/contract';
import { wireClient } from '../../../shared/api/test-wiring';
import { parsePublicKey } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import { leafXz, pk1, topXz } from '../../../shared/nix/testdata/fixtures';
import { startNarwhal } from '../narwhal';
import { narinfo } from './sign-test-util';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const topHash = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';
const leafHash = '71nkqrw4r948fg17d1isyhdgx6djha39';
const midHash = 'khn540rbqyq3yi1mpn9lkq6l4f0ayb90';
const top = `/nix/store/${topHash}-narwhal-top`;

/** Narwhal on a fresh data dir, the page's client across the contextBridge model, and its built-in folder cache. */
async function setup() {
  const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-sign-job-'));
  dirs.push(dataDir);
  const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { HOME: dataDir, NIX_CONF_DIR: join(dataDir, 'no-nix') } });
  const { client } = wireClient(contract, events, narwhal.server, (bridge) => exposeAcrossModel(bridge));
  const cache = (await client.api.caches.list()).caches[0]!;
  if (cache.config.kind !== 'file') throw new Error('the built-in cache is a folder');
  const folder = cache.config.path;
  await client.api.caches.initialise({ cacheId: cache.id });
  const put = (hash: string, text: string) => writeFile(join(folder, `${hash}.narinfo`), text);
  const signedBy = async (hash: string, publicKey: string) =>
    verifyNarinfo(parseNarinfo(await readFile(join(folder, `${hash}.narinfo`), 'utf8')), [parsePublicKey(publicKey)]).status === 'valid';
  return { client, cache, put, signedBy };
}

describe('sign.run through the API', () => {
  it('signs the closure of a path as a job, with progress and a summary that names the missing reference', async () => {
    const { client, cache, put, signedBy } = await setup();
    await put(topHash, topXz);
    await put(leafHash, leafXz);
    const key = await client.api.keys.generate({ name: 'sign-job-1' });

    const phases: SignProgressView['phase'][] = [];
    const handle = client.api.sign.run({ cacheId: cache.id, keyId: key.id, paths: [top], closure: true }, { onProgress: (p) => phases.push(p.phase) });
    const summary = await handle.result;
    expect(summary).toEqual({
      signed: 2,
      alreadySigned: 0,
      total: 3,
      failed: [{ path: `/nix/store/${midHash}-narwhal-mid`, reason: `the cache has no ${midHash}.narinfo, which ${top} refers to` }],
      failedCount: 1,
      signedWith: key.publicKey,
      substituters: expect.stringContaining(key.publicKey),
    });
    expect(phases).toContain('closure');
    expect(phases.at(-1)).toBe('signing');
    expect(await signedBy(topHash, key.publicKey)).toBe(true);
    expect(await signedBy(leafHash, key.publicKey)).toBe(true);
    const job = (await client.api.jobs.list()).jobs.find((j) => j.id === handle.id);
    expect(job).toMatchObject({ kind: 'sign.run', state: 'done', title: expect.stringMatching(/^Sign the closure of 1 path in .* with sign-job-1$/) });
    // Progress events carry counts, never a failure's details.
    expect(JSON.stringify(job!.progress)).not.toContain('lastFailure');
  });

  it('all: signs every narinfo; the failures listed are capped and counted; a trusted key limits what is signed', async () => {
    const { client, cache, put, signedBy } = await setup();
    await put(topHash, topXz);
    // More broken narinfos than the summary lists.
    const broken = Array.from({ length: maxSignFailuresListed + 5 }, (_, i) => `${i.toString().padStart(32, '0')}`);
    for (const hash of broken) await put(hash, 'StorePath: nonsense\n');
    const key = await client.api.keys.generate({ name: 'sign-job-2' });

    const summary = await client.api.sign.run({ cacheId: cache.id, keyId: key.id, all: true, trustedKeys: [pk1] }).result;
    expect(summary).toMatchObject({ signed: 1, alreadySigned: 0, total: broken.length + 1, failedCount: broken.length });
    expect(summary.failed).toHaveLength(maxSignFailuresListed);
    expect(summary.failed[0]).toEqual({ path: `${broken[0]}.narinfo`, reason: expect.stringContaining('is not a valid narinfo') });
    expect(await signedBy(topHash, key.publicKey)).toBe(true);
  });

  it('refuses before any job: a public-only key, a bad trusted key, a bad path, both paths and all', async () => {
    const { client, cache, put } = await setup();
    const a = 'a'.repeat(32);
    await put(a, narinfo(a, 'a', []));
    const secret = await client.api.keys.generate({ name: 'sign-job-3' });
    const publicOnly = await client.api.keys.importPublic({ text: pk1 });
    const refusals: Array<[{ keyId: string; paths?: string[]; all?: boolean; trustedKeys?: string[] }, string, RegExp]> = [
      [{ keyId: publicOnly.id, all: true }, 'invalid-input', /public key only; it cannot sign/],
      [{ keyId: secret.id, all: true, trustedKeys: ['nonsense'] }, 'invalid-input', /The trusted key "nonsense" is not a Nix public key/],
      [{ keyId: secret.id, paths: ['not a path'] }, 'invalid-input', /"not a path" is not a store path/],
      [{ keyId: secret.id, paths: [a], all: true }, 'invalid-input', /not both/],
      [{ keyId: secret.id }, 'invalid-input', /Nothing to sign/],
    ];
    for (const [input, code, message] of refusals) {
      const handle = client.api.sign.run({ cacheId: cache.id, ...input });
      await expect(handle.result).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect((await client.api.jobs.list()).jobs).toEqual([]);
  });
});
