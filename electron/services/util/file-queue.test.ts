import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queuedFileCount, withFileQueue } from './file-queue';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('withFileQueue', () => {
  it('runs read-modify-writes of one file one after another, so none is lost', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'narwhal-queue-')), 'list.json');
    await writeFile(file, '[]');
    const append = (n: number) =>
      withFileQueue(file, async () => {
        const list = JSON.parse(await readFile(file, 'utf8')) as number[];
        await tick(); // without the queue, every call reads [] here and the last write wins
        await writeFile(file, JSON.stringify([...list, n]));
      });
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(i)));
    expect((JSON.parse(await readFile(file, 'utf8')) as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(queuedFileCount()).toBe(0);
  });

  it('shares one queue between spellings of the same path, and keeps other files apart', async () => {
    const order: string[] = [];
    const slow = withFileQueue('/tmp/narwhal-q/a.json', async () => {
      await tick();
      order.push('a1');
    });
    const other = withFileQueue('/tmp/narwhal-q/b.json', () => order.push('b'));
    const same = withFileQueue('/tmp/narwhal-q/sub/../a.json', () => order.push('a2'));
    await Promise.all([slow, other, same]);
    expect(order).toEqual(['b', 'a1', 'a2']);
  });

  it('passes results and errors to their caller and goes on after a failure', async () => {
    const failing = withFileQueue('/tmp/narwhal-q/c.json', () => Promise.reject(new Error('disk full')));
    const next = withFileQueue('/tmp/narwhal-q/c.json', () => 42);
    await expect(failing).rejects.toThrow('disk full');
    await expect(next).resolves.toBe(42);
  });
});
