import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartBuffers, readPart } from './part-buffers';

afterEach(() => {
  vi.useRealTimers();
});

describe('PartBuffers', () => {
  it('gives the same memory to the next part of the same size, and fresh memory to another size', async () => {
    const pool = new PartBuffers();
    const first = await pool.using(16, async (b) => b);
    const second = await pool.using(16, async (b) => b);
    const other = await pool.using(32, async (b) => b);
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    expect(other.length).toBe(32);
  });

  it('hands out distinct buffers to parts in flight at once, and keeps at most maxSpare', async () => {
    const pool = new PartBuffers(2);
    const held: Buffer[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const uses = [0, 1, 2].map(() => pool.using(8, async (b) => (held.push(b), await gate)));
    await Promise.resolve();
    expect(new Set(held).size).toBe(3);
    release();
    await Promise.all(uses);
    expect(pool.kept).toBe(2);
  });

  it('drops a buffer whose use failed, so no memory a failed request may still hold is reused', async () => {
    const pool = new PartBuffers();
    let failed: Buffer | undefined;
    await expect(
      pool.using(8, async (b) => {
        failed = b;
        throw new Error('the request failed');
      }),
    ).rejects.toThrow('the request failed');
    expect(pool.kept).toBe(0);
    expect(await pool.using(8, async (b) => b)).not.toBe(failed);
  });

  it('lets its buffers go once no part used them for idleMs', async () => {
    vi.useFakeTimers();
    const pool = new PartBuffers(8, 1_000);
    await pool.using(8, async () => undefined);
    await pool.using(8, async () => undefined);
    expect(pool.kept).toBe(1);
    vi.advanceTimersByTime(999);
    expect(pool.kept).toBe(1);
    vi.advanceTimersByTime(1);
    expect(pool.kept).toBe(0);
  });
});

describe('readPart', () => {
  /** A file handle over `bytes` that reads at most `step` bytes a call, as a real read may. */
  const handleOver = (bytes: Buffer, step: number) => ({
    async read(buffer: Buffer, offset: number, length: number, position: number) {
      const n = Math.max(0, Math.min(length, step, bytes.length - position));
      bytes.copy(buffer, offset, position, position + n);
      return { bytesRead: n };
    },
  });

  it('reads exactly the part at its offset, across short reads, into the start of the buffer', async () => {
    const bytes = Buffer.from('0123456789abcdef');
    const part = await readPart(handleOver(bytes, 3), 'f', Buffer.alloc(10), 4, 7);
    expect(part.toString()).toBe('456789a');
  });

  it('fails, naming the file and the byte, when the file ends before the part does', async () => {
    await expect(readPart(handleOver(Buffer.from('0123'), 2), '/staged/x.nar.zst', Buffer.alloc(8), 2, 5)).rejects.toThrow(
      '/staged/x.nar.zst ended at byte 4, before the 7 expected: it changed while it was being uploaded.',
    );
  });
});
