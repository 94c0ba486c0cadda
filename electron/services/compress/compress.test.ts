/**
 * Compression in worker threads, checked against the reference programs (xz, zstd, bzip2, gzip from
 * Debian): what we write they read back to the same bytes, what they write we read, the digests are
 * the sha256 of what really went in and out, memory stays bounded when nobody reads, and a
 * cancelled job terminates its worker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToHex } from '../../../shared/nix/hash';
import { createCompressionPool, createCompressor, createDecompressor, inputBuffer, inputBufferSize } from './compress';
import { COMPRESSION_METHODS, narExtension, type CompressionMethod } from '../../../shared/push/compression';

const pool = createCompressionPool(2);
afterAll(() => pool.close());

/** Compressible but not trivial: text lines with numbers, and a stretch of random bytes. */
function sample(size: number): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  for (let i = 0; n < size - 65536; i++) {
    const line = Buffer.from(`line ${i} of the sample: ${(i * 7919) % 100003} /nix/store/${i.toString(36)}-name\n`);
    parts.push(line);
    n += line.length;
  }
  parts.push(randomBytes(size - n));
  return Buffer.concat(parts);
}

const sha256hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Runs bytes through a codec stream, in 64 KiB chunks as a file read would give them. */
async function run(codec: Transform, input: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += 65536) chunks.push(input.subarray(i, i + 65536));
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), codec, async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) out.push(c);
  });
  return Buffer.concat(out);
}

const REFERENCE: Record<Exclude<CompressionMethod, 'none'>, { compress: string[]; decompress: string[] }> = {
  xz: { compress: ['xz', '-c', '-T2', '-1'], decompress: ['xz', '-d', '-c'] },
  zstd: { compress: ['zstd', '-c', '-q', '-3'], decompress: ['zstd', '-d', '-c', '-q'] },
  bzip2: { compress: ['bzip2', '-c', '-9'], decompress: ['bzip2', '-d', '-c'] },
  gzip: { compress: ['gzip', '-c', '-6'], decompress: ['gzip', '-d', '-c'] },
};

function tool(argv: string[], input: Buffer): Buffer {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// xz -6 on a few MiB takes seconds on a loaded 2-core machine.
describe('createCompressor', { timeout: 30_000 }, () => {
  const input = sample(3 << 20);

  for (const method of COMPRESSION_METHODS) {
    it(`${method}: the reference program reads it back, and the digests are of the real bytes`, async () => {
      const c = createCompressor(method, { pool });
      const out = await run(c, input);
      const back = method === 'none' ? out : tool(REFERENCE[method].decompress, out);
      expect(sha256hex(back)).toBe(sha256hex(input));
      const d = await c.digests;
      expect(d.input.size).toBe(input.length);
      expect(hashToHex(d.input.hash)).toBe(sha256hex(input));
      expect(d.output.size).toBe(out.length);
      expect(hashToHex(d.output.hash)).toBe(sha256hex(out));
      if (method !== 'none') expect(out.length).toBeLessThan(input.length * 0.6);
    });
  }

  it('xz with 2 threads writes the multi-block format of xz -T (blocks of 3x the dictionary)', async () => {
    // Level 1 has a 1 MiB dictionary, so 3 MiB blocks: 10 MiB make 4 blocks.
    const big = sample(10 << 20);
    const dir = mkdtempSync(join(tmpdir(), 'narwhal-xz-'));
    try {
      const out = await run(createCompressor('xz', { level: 1, threads: 2, pool }), big);
      writeFileSync(join(dir, 'a.xz'), out);
      const robot = execFileSync('xz', ['--robot', '--list', join(dir, 'a.xz')]).toString();
      const blocks = Number(robot.split('\n').find((l) => l.startsWith('file\t'))!.split('\t')[2]);
      expect(blocks).toBe(4);
      expect(sha256hex(tool(REFERENCE.xz.decompress, out))).toBe(sha256hex(big));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('zstd with 2 threads is still one standard frame that zstd -d reads', async () => {
    const out = await run(createCompressor('zstd', { threads: 2, level: 5, pool }), input);
    expect(sha256hex(tool(REFERENCE.zstd.decompress, out))).toBe(sha256hex(input));
  });

  it('an empty input gives a valid empty compressed file', async () => {
    for (const method of ['xz', 'zstd', 'gzip', 'bzip2'] as const) {
      const c = createCompressor(method, { pool });
      const out = await run(c, Buffer.alloc(0));
      expect(tool(REFERENCE[method].decompress, out).length, method).toBe(0);
      expect((await c.digests).input.size).toBe(0);
    }
  });

  it('rejects a level the method does not have, and an unknown method, before starting a worker', () => {
    expect(() => createCompressor('xz', { level: 12, pool })).toThrow(/level 12 is not valid for xz: use 0\.\.9/);
    expect(() => createCompressor('zstd', { level: 0, pool })).toThrow(/use 1\.\.19/);
    expect(() => createCompressor('brotli' as CompressionMethod, { pool })).toThrow(/unknown compression method "brotli"/);
    expect(() => createCompressor('gzip', { threads: -1, pool })).toThrow(/threads/);
  });

  it('names compressed NARs as Nix does', () => {
    expect(COMPRESSION_METHODS.map((m) => `x.nar${narExtension(m)}`)).toEqual(['x.nar.xz', 'x.nar.zst', 'x.nar.bz2', 'x.nar', 'x.nar']);
  });
});

describe('createDecompressor', { timeout: 30_000 }, () => {
  const input = sample(2 << 20);

  for (const method of ['xz', 'zstd', 'bzip2', 'gzip'] as const) {
    it(`${method}: reads what the reference program wrote`, async () => {
      const file = tool(REFERENCE[method].compress, input);
      const d = createDecompressor(method, { pool });
      const out = await run(d, file);
      expect(sha256hex(out)).toBe(sha256hex(input));
      const digests = await d.digests;
      expect(hashToHex(digests.input.hash)).toBe(sha256hex(file));
      expect(digests.output).toEqual({ hash: { algo: 'sha256', bytes: expect.any(Uint8Array) }, size: input.length });
      expect(hashToHex(digests.output.hash)).toBe(sha256hex(input));
    });
  }

  it('a stream destroyed by its own data listener stops quietly (no credit posted to a worker it gave back)', async () => {
    const d = createDecompressor('zstd', { pool });
    const closed = new Promise((resolve) => d.on('close', resolve));
    d.on('data', () => d.destroy());
    d.end(tool(REFERENCE.zstd.compress, sample(4 << 20)));
    await closed; // before the fix: an uncaught TypeError from inside the 'data' event
    await expect(d.digests).rejects.toThrow();
  });

  it('fails with the method named when the bytes are not what it expects', async () => {
    for (const method of ['xz', 'zstd', 'bzip2', 'gzip'] as const) {
      const d = createDecompressor(method, { pool });
      await expect(run(d, Buffer.from('this is not compressed at all, not even a little'.repeat(10)))).rejects.toThrow(
        new RegExp(`^${method} decompression failed: `),
      );
      await expect(d.digests).rejects.toThrow();
    }
    // The pool still works after failed jobs.
    expect((await run(createDecompressor('gzip', { pool }), tool(REFERENCE.gzip.compress, input))).length).toBe(input.length);
  });
});

describe('flow control and cancellation', { timeout: 30_000 }, () => {
  it('stops taking input while nobody reads its output (memory stays bounded)', async () => {
    const c = createCompressor('none', { pool });
    let produced = 0;
    const chunk = Buffer.alloc(1 << 20, 7);
    const source = new Readable({
      read() {
        produced += chunk.length;
        this.push(chunk);
      },
    });
    source.pipe(c);
    await new Promise((r) => setTimeout(r, 700));
    // Endless input, nobody reading: the writable (1 MiB) and readable (1 MiB) buffers, 4 chunks
    // in flight to the worker and 4 out of it, and the source's own buffer. Never hundreds of MiB.
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(24 << 20);
    const before = produced;
    await new Promise((r) => setTimeout(r, 300));
    expect(produced).toBe(before);
    // Reading resumes the flow.
    let read = 0;
    c.on('data', (b: Buffer) => (read += b.length));
    await new Promise((r) => setTimeout(r, 300));
    expect(read).toBeGreaterThan(before);
    source.unpipe(c);
    source.destroy();
    c.destroy();
  });

  for (const method of ['xz', 'zstd', 'bzip2'] as const) {
    it(`${method}: an aborted signal destroys the stream and frees its worker for the next job`, async () => {
      const own = createCompressionPool(1);
      try {
        const controller = new AbortController();
        const c = createCompressor(method, { threads: 2, pool: own, signal: controller.signal });
        const endless = new Readable({
          read() {
            this.push(randomBytes(1 << 16));
          },
        });
        const done = pipeline(endless, c, async (s: AsyncIterable<Buffer>) => {
          for await (const _ of s) void _;
        });
        await new Promise((r) => setTimeout(r, 300));
        expect(own.started).toBe(1);
        controller.abort(new Error('user cancelled'));
        await expect(done).rejects.toThrow('user cancelled');
        await expect(c.digests).rejects.toThrow('user cancelled');
        // The pool has one worker: the next job runs only if the cancelled one gave it back.
        const after = Buffer.from('after');
        expect(sha256hex(await collect(Readable.from([after]).pipe(createCompressor('none', { pool: own }))))).toBe(sha256hex(after));
        expect(own.started).toBe(1);
        if (method === 'bzip2') expect(spawnSync('pgrep', ['-x', '-P', String(process.pid), 'bzip2']).stdout.toString()).toBe('');
      } finally {
        await own.close();
      }
    });
  }

  it('a signal aborted before the start never takes a worker', async () => {
    const own = createCompressionPool(1);
    const c = createCompressor('gzip', { pool: own, signal: AbortSignal.abort(new Error('too late')) });
    await expect(run(c, Buffer.from('x'))).rejects.toThrow('too late');
    expect(own.started).toBe(0);
    await own.close();
  });

  it('a stream destroyed while waiting for a worker settles once it gets one, and frees it', async () => {
    const own = createCompressionPool(1);
    try {
      const first = createCompressor('none', { pool: own });
      first.write(Buffer.from('holding the only worker'));
      const waiting = createCompressor('none', { pool: own });
      waiting.on('error', () => {});
      waiting.destroy(new Error('gave up'));
      first.end();
      first.resume();
      await first.digests;
      await expect(waiting.digests).rejects.toThrow('gave up');
      const after = Buffer.from('after');
      expect(sha256hex(await collect(Readable.from([after]).pipe(createCompressor('none', { pool: own }))))).toBe(sha256hex(after));
    } finally {
      await own.close();
    }
  });

  it('input batches the workers give back are reused without mixing bytes of streams running at once', async () => {
    // Each codec hands its input back once it is done with it (gzip's zlib and bzip2's pipe finish
    // with it later than the synchronous ones); several MiB per stream, so batches go round many times.
    for (const [method, level] of [['zstd', 3], ['xz', 1], ['gzip', 6], ['bzip2', 1], ['none', undefined]] as const) {
      const inputs = [0, 1, 2].map((k) => Buffer.concat([Buffer.from(`stream ${k}\n`), sample((5 << 20) + k * 12345)]));
      const outs = await Promise.all(inputs.map((b) => run(createCompressor(method, { level, pool }), b)));
      outs.forEach((o, i) => expect(sha256hex(method === 'none' ? o : tool(REFERENCE[method].decompress, o)), `${method} stream ${i}`).toBe(sha256hex(inputs[i]!)));
    }
  });

  it('prestart boots workers ahead of the jobs, never more than the pool holds, and jobs then use them', async () => {
    const own = createCompressionPool(2);
    try {
      own.prestart(5);
      expect(own.started).toBe(2);
      const input = sample(300_000);
      const outs = await Promise.all([0, 1, 2].map(() => run(createCompressor('zstd', { pool: own }), input)));
      outs.forEach((o) => expect(sha256hex(tool(REFERENCE.zstd.decompress, o))).toBe(sha256hex(input)));
      expect(own.started).toBe(2);
    } finally {
      await own.close();
    }
    expect(own.started).toBe(0);
  });

  it('with outputFile the worker writes the file itself (mode, digests of its bytes), and nothing comes out of the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narwhal-compress-file-'));
    try {
      const input = sample(3 << 20);
      const path = join(dir, 'out.zst');
      const c = createCompressor('zstd', { pool, outputFile: { path, mode: 0o640, sync: true } });
      expect((await run(c, input)).length).toBe(0);
      const written = readFileSync(path);
      expect(sha256hex(tool(REFERENCE.zstd.decompress, written))).toBe(sha256hex(input));
      const { input: inDigest, output } = await c.digests;
      expect([hashToHex(inDigest.hash), inDigest.size]).toEqual([sha256hex(input), input.length]);
      expect([hashToHex(output.hash), output.size]).toEqual([sha256hex(written), written.length]);
      expect(statSync(path).mode & 0o777).toBe(0o640);
      // An existing file is never overwritten: the job fails and leaves it as it was.
      await expect(run(createCompressor('none', { pool, outputFile: { path } }), Buffer.from('x'))).rejects.toThrow(/EEXIST/);
      expect(readFileSync(path).equals(written)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none with outputFile writes the bytes as they are, and gives the input buffers back for the next NAR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narwhal-compress-none-'));
    try {
      for (let i = 0; i < 16; i++) inputBuffer(inputBufferSize); // whatever earlier tests left
      const [a, b] = ['D', 'E'].map((mark) => inputBuffer(inputBufferSize).fill(mark));
      const tail = Buffer.from('and a short last chunk');
      const expected = Buffer.concat([a!, b!, tail]);
      const path = join(dir, 'out.nar');
      const c = createCompressor('none', { pool, transferInput: true, outputFile: { path } });
      c.resume();
      await pipeline(Readable.from([a!, b!, tail]), c);
      expect(readFileSync(path).equals(expected)).toBe(true);
      const { input, output } = await c.digests;
      expect([hashToHex(input.hash), input.size]).toEqual([sha256hex(expected), expected.length]);
      expect([hashToHex(output.hash), output.size]).toEqual([sha256hex(expected), expected.length]);
      const back = [0, 1, 2, 3].map(() => inputBuffer(inputBufferSize)).map((buf) => String.fromCharCode(buf[0]!, buf[inputBufferSize - 1]!));
      expect(back).toEqual(expect.arrayContaining(['DD', 'EE']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with transferInput big chunks that own their memory move to the worker (detached here); small or shared ones are copied', async () => {
    const big = [sample(1 << 20), sample(1 << 20)].map((b) => Buffer.concat([b])); // each its own ArrayBuffer
    const small = Buffer.from('a small chunk, from the shared pool');
    const expected = sha256hex(Buffer.concat([big[0]!, small, big[1]!]));
    const c = createCompressor('zstd', { pool, transferInput: true });
    const parts: Buffer[] = [];
    await pipeline(Readable.from([big[0]!, small, big[1]!]), c, async (source: AsyncIterable<Buffer>) => {
      for await (const p of source) parts.push(p);
    });
    expect(sha256hex(tool(REFERENCE.zstd.decompress, Buffer.concat(parts)))).toBe(expected);
    expect(hashToHex((await c.digests).input.hash)).toBe(expected);
    expect(big[0]!.buffer.byteLength).toBe(0); // moved
    expect(small.length).toBeGreaterThan(0); // copied
  });

  it('buffers from inputBuffer come back for the next NAR, the short last one too (no fresh pages per chunk)', async () => {
    for (let i = 0; i < 16; i++) inputBuffer(inputBufferSize); // whatever earlier tests left
    const [a, b, c] = ['A', 'B', 'C'].map((mark) => inputBuffer(inputBufferSize).fill(mark));
    const tail = c!.subarray(0, 1000); // a NAR's last, short chunk: a view of a whole buffer
    const expected = sha256hex(Buffer.concat([a!, b!, tail]));
    const c2 = createCompressor('zstd', { pool, transferInput: true });
    c2.resume();
    await pipeline(Readable.from([a!, b!, tail]), c2);
    expect(hashToHex((await c2.digests).input.hash)).toBe(expected);
    // The very buffers, whole (the batch the tail was copied into comes back too, holding 1000 C's).
    const back = [0, 1, 2, 3].map(() => inputBuffer(inputBufferSize)).map((buf) => String.fromCharCode(buf[0]!, buf[inputBufferSize - 1]!));
    expect(back).toEqual(expect.arrayContaining(['AA', 'BB', 'CC']));
  });

  it('with outputFile a cancelled job removes its file and frees its worker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'narwhal-compress-file-'));
    const own = createCompressionPool(1);
    try {
      const controller = new AbortController();
      const path = join(dir, 'out.zst');
      const c = createCompressor('zstd', { pool: own, signal: controller.signal, outputFile: { path } });
      c.resume();
      const endless = new Readable({
        read() {
          this.push(randomBytes(1 << 16));
        },
      });
      const done = pipeline(endless, c);
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(path)).toBe(true);
      controller.abort(new Error('user cancelled'));
      await expect(done).rejects.toThrow('user cancelled');
      // The next job on the only worker runs once the cancelled one was cleaned up.
      expect((await collect(Readable.from([Buffer.from('after')]).pipe(createCompressor('none', { pool: own })))).toString()).toBe('after');
      expect(existsSync(path)).toBe(false);
      // The worker's zstd context, left in the middle of a frame, is reset for the next file job.
      const input = sample(2 << 20);
      const next = join(dir, 'next.zst');
      await run(createCompressor('zstd', { pool: own, outputFile: { path: next } }), input);
      expect(sha256hex(tool(REFERENCE.zstd.decompress, readFileSync(next)))).toBe(sha256hex(input));
      expect(own.started).toBe(1);
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('more jobs than workers wait their turn, and all finish', async () => {
    const own = createCompressionPool(1);
    try {
      const inputs = [sample(300_000), sample(200_000), sample(100_000)];
      const outs = await Promise.all(inputs.map((b) => run(createCompressor('zstd', { pool: own }), b)));
      outs.forEach((o, i) => expect(sha256hex(tool(REFERENCE.zstd.decompress, o))).toBe(sha256hex(inputs[i]!)));
      expect(own.started).toBe(1);
    } finally {
      await own.close();
    }
  });
});
