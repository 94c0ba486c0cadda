import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CacheService } from './cache-service';

describe('CacheService.test with a signal', () => {
  it('stops the request when the page stops waiting, instead of letting it run to its deadline', async () => {
    // A server that accepts the request and never answers, like the one a new user's Test spun on.
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((req) => req.socket.once('close', closed));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const service = new CacheService({ dataDir: await mkdtemp(join(tmpdir(), 'narwhal-test-cancel-')) });
      await service.start();
      const cache = await service.add('Silent', { kind: 'http', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, settings: [] });
      const controller = new AbortController();
      const started = performance.now();
      const testing = service.test(cache.id, controller.signal);
      setTimeout(() => controller.abort(), 100);
      await expect(testing).rejects.toMatchObject({ name: 'AbortError' });
      await requestClosed;
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      server.close();
    }
  });
});
