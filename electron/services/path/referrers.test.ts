import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexDb } from '../index/index-db';
import { rowFromNarinfo } from '../index/refresh';
import { syntheticNarinfo } from '../index/synthetic-narinfos';
import { ReferrerQueries } from './referrers';

describe('ReferrerQueries', () => {
  it('finds referrers anywhere in an index of several scan steps, sorted by name, counted in full', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-referrers-'));
    const { db } = IndexDb.open(join(dir, 'index.sqlite'));
    // Steps of 100 rows: the scan crosses several on an index of 250.
    const queries = new ReferrerQueries(100);
    try {
      // Path i refers to path i - 1.
      const rows = Array.from({ length: 250 }, (_, i) => {
        const n = syntheticNarinfo(i);
        return rowFromNarinfo({ hash: n.hash, etag: null, lastModified: null, size: n.text.length }, n.text);
      });
      // Three more rows refer to path 7, written last so their rowids are in the last step.
      const extra = [1, 2, 3].map((k) => {
        const n = syntheticNarinfo(300 + k);
        const text = n.text.replace(/References: .*/, `References: ${syntheticNarinfo(7).hash}-synthetic-7`);
        return rowFromNarinfo({ hash: n.hash, etag: null, lastModified: null, size: text.length }, text);
      });
      db.upsert(rows);
      db.upsert(extra);
      const found = await queries.referrersOf(db, syntheticNarinfo(7).hash, 2);
      expect(found.total).toBe(4);
      expect(found.paths.map((p) => p.basename.slice(33))).toEqual(['synthetic-301', 'synthetic-302']);
      expect((await queries.referrersOf(db, syntheticNarinfo(249).hash, 10)).total).toBe(0);
      const aborted = new AbortController();
      aborted.abort(new Error('stop'));
      await expect(queries.referrersOf(db, syntheticNarinfo(7).hash, 2, aborted.signal)).rejects.toThrow('stop');
    } finally {
      queries.closeAll();
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
