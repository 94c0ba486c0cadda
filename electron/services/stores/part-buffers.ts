/**
 * Part-sized buffers kept for the next part of an upload from a file (S3Store.putFile), so a push
 * that sends thousands of parts reads each one straight into memory that is already mapped: no fresh
 * allocation, page faults and garbage collection per part, and no copy. A buffer is given back only
 * after its request settled successfully; one whose request failed is dropped, so no memory a
 * cancelled socket might still hold is ever filled with the next part.
 *
 * At most `maxSpare` buffers are kept, and none once no upload has used them for `idleMs`, so the
 * desktop app's long-lived main process does not hold tens of MiB after a push.
 */
export class PartBuffers {
  private spare: Buffer[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly maxSpare = 8,
    private readonly idleMs = 10_000,
  ) {}

  /** Runs `use` with a buffer of exactly `size` bytes; gives it back for reuse when `use` succeeds. */
  async using<T>(size: number, use: (buffer: Buffer) => Promise<T>): Promise<T> {
    const at = this.spare.findIndex((b) => b.length === size);
    const buffer = at >= 0 ? this.spare.splice(at, 1)[0]! : Buffer.allocUnsafe(size);
    const result = await use(buffer);
    this.giveBack(buffer);
    return result;
  }

  /** How many buffers are kept now (for tests). */
  get kept(): number {
    return this.spare.length;
  }

  private giveBack(buffer: Buffer): void {
    if (this.spare.length < this.maxSpare) this.spare.push(buffer);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => (this.spare = []), this.idleMs);
    // Must not keep a finished CLI run (or a test worker) alive.
    this.idleTimer.unref?.();
  }
}

/**
 * Reads exactly `length` bytes at `position` of `file` into the start of `buffer` and returns that
 * slice; fails, naming the file, when the file ends early.
 */
export async function readPart(
  handle: { read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> },
  file: string,
  buffer: Buffer,
  position: number,
  length: number,
): Promise<Buffer> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) throw new Error(`${file} ended at byte ${position + got}, before the ${position + length} expected: it changed while it was being uploaded.`);
    got += bytesRead;
  }
  return buffer.subarray(0, length);
}
