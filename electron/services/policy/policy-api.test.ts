import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheService } from '../caches/cache-service';
import { policyApi } from './policy-api';

describe('policy API', () => {
  it('refuses folder and HTTP caches, naming the cache and why, before any request', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-policy-api-'));
    const caches = new CacheService({ dataDir });
    await caches.start();
    const folder = caches.list().caches[0]!;
    const http = await caches.add('Public mirror', { kind: 'http', url: 'https://cache.example.org', settings: [] });
    const api = policyApi(caches, {});
    const context = { signal: new AbortController().signal };
    await expect(api.get({ cacheId: folder.id }, context)).rejects.toMatchObject({ code: 'invalid-input', message: `${folder.name} is a folder cache: bucket policies belong to S3 buckets.` });
    await expect(api.put({ cacheId: http.id, text: '{}' }, context)).rejects.toMatchObject({ code: 'invalid-input', message: 'Public mirror is an HTTP cache: bucket policies belong to S3 buckets.' });
    await expect(api.delete({ cacheId: 'no-such-cache' }, context)).rejects.toMatchObject({ code: 'not-found' });
  });
});
