import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { Hash } from '../../../shared/nix/hash';
import { defaultLevel, isCompressionMethod, levelRange, type CompressionMethod } from '../../../shared/push/compression';
import { WorkerPool } from './worker-pool';

/**
 * Streaming NAR compression and decompression in worker threads.
 *
 *   const c = createCompressor('xz', { level: 6, threads: 2, signal });
 *   await pipeline(dumpPath(path), c, upload);
 *   const { input, output } = await c.digests; // NarHash/NarSize and FileHash/FileSize
 *
 * Each stream borrows one worker from a shared pool (as many workers as cores) for its whole life;
 * the worker hashes the bytes going in and coming out (sha256) and runs the codec, so the main thread
 * only moves buffers. Memory is bounded: at most INPUT_WINDOW batches of 1 MiB are in flight to the worker and
 * the worker holds at most 4 output chunks the stream has not taken, on top of the stream's own
 * highWaterMark. Aborting `signal` (or destroying the stream) stops the worker's job after the codec
 * call in progress (at most one input chunk), closes the codec (its native threads and memory) and
 * gives the worker back to the pool.
 *
 * Codecs: xz with the system liblzma (node-liblzma, multi-threaded encoder), zstd with libzstd (zstd-napi,
 * multi-threaded when threads > 1), gzip with Node's zlib, bzip2 with the system's `bzip2`, none as is.
 * Output is what the reference tools read (`xz -d`, `zstd -d`, `gzip -d`, `bzip2 -d`) and Nix reads.
 *
 * Worker protocol (messages carry `job`, the stream's id, so a late message of an ended job is dropped):
 *   main -> worker: start {method, mode, level, threads, file?} · data {chunk} · end · credit (one output chunk taken) · abort
 *   worker -> main: ack {chunk?} (one input chunk taken by the codec, given back for reuse once the codec is done
 *                   with it) · data {chunk} (not when the job writes to a file) · done {sizes, sha256s} · error {message} · aborted
 */

export interface CodecOptions {
  /** Compression level; each method's Nix default when omitted (xz 6, zstd 3, bzip2 9, gzip 6). */
  level?: number;
  /**
   * Threads the codec itself may use (xz and zstd): 1 for single-threaded output, 0 for one per core.
   * Default 1 — a push that compresses several NARs at once already uses a worker per core; give
   * more when one large NAR is compressed alone.
   */
  threads?: number;
  /** Cancels the work: the stream is destroyed with the signal's reason and its worker terminated. */
  signal?: AbortSignal;
}

/**
 * Where a compressor's worker writes the output itself, instead of sending it back to the stream: the
 * file is created (an existing one is an error), written, fsynced with `sync`, and closed before
 * `digests` resolves; if the job fails or is cancelled the worker removes it. The stream's readable
 * side then ends without data.
 */
export interface OutputFile {
  path: string;
  /** Permissions of the new file (default 0o600). */
  mode?: number;
  /** fsync the file before reporting the digests (in the worker, off the main thread). */
  sync?: boolean;
}

export interface Digest {
  /** sha256 of the bytes. */
  hash: Hash;
  size: number;
}

export interface CodecDigests {
  /** What went in: the NAR when compressing (NarHash, NarSize), the file when decompressing. */
  input: Digest;
  /** What came out: the file when compressing (FileHash, FileSize), the NAR when decompressing. */
  output: Digest;
}

/** A Transform that (de)compresses in a worker; `digests` settles when the stream has ended. */
export interface CodecStream extends Transform {
  readonly method: CompressionMethod;
  /** Resolves once all output has been produced; rejects if the stream fails or is destroyed first. */
  readonly digests: Promise<CodecDigests>;
}

/** Input goes to the worker in batches of this size; at most INPUT_WINDOW of them are in flight. */
const BATCH = 1 << 20;
const INPUT_WINDOW = 4;
/**
 * Batches the workers gave back, for the next ones. A fresh 1 MiB buffer for every batch cost more
 * than the copy into it (the kernel maps and zeroes its pages on first touch, and the garbage
 * collector frees them again): on a push of 190 MiB that was a third of the main thread's time.
 * At most SPARE_MAX are kept (16 MiB).
 */
const spareBatches: Uint8Array<ArrayBuffer>[] = [];
const SPARE_MAX = 16;

/** Keeps `buffer` for a next batch if it is a batch's size and there is room. */
function recycle(buffer: ArrayBufferLike): void {
  if (buffer instanceof ArrayBuffer && buffer.byteLength === BATCH && spareBatches.length < SPARE_MAX) spareBatches.push(new Uint8Array(buffer));
}

/** The size of the buffers `inputBuffer` gives: what a producer should cut its output into. */
export const inputBufferSize = BATCH;

/**
 * A buffer of `size` bytes for a producer that gives its chunks to a compressor with `transferInput`:
 * one the workers gave back when `size` is `inputBufferSize`, so its pages are already mapped.
 */
export function inputBuffer(size: number): Buffer {
  const spare = size === BATCH ? spareBatches.pop() : undefined;
  return spare ? Buffer.from(spare.buffer, 0, BATCH) : Buffer.allocUnsafe(size);
}

const WORKER_URL = new URL('./compress-worker.mjs', import.meta.url);
let sharedPool: WorkerPool | undefined;

/** The process-wide pool: one worker per core. */
export function compressionPool(): WorkerPool {
  sharedPool ??= new WorkerPool(WORKER_URL, availableParallelism());
  return sharedPool;
}

/** A new pool of `size` workers (tests, or a caller that wants its own limit). */
export function createCompressionPool(size: number): WorkerPool {
  return new WorkerPool(WORKER_URL, size);
}

export interface CompressorOptions {
  pool?: WorkerPool;
  outputFile?: OutputFile;
  /**
   * The caller hands over its chunks for good (the NAR writer allocates a fresh one each time and
   * nobody else reads it): a large chunk that owns its whole memory is then moved to the worker as
   * it is instead of copied into a batch; it is unusable afterwards.
   */
  transferInput?: boolean;
}

/** Chunks at least this big are moved to the worker as they are (with transferInput). */
const TRANSFER_MIN = 64 << 10;

/** Options are checked here, before any stream or worker exists: a bad level throws at once. */
export function createCompressor(method: CompressionMethod, options: CodecOptions & CompressorOptions = {}): CodecStream {
  return new WorkerCodec(method, 'compress', checkOptions(method, 'compress', options), options);
}

export function createDecompressor(method: CompressionMethod, options: Omit<CodecOptions, 'level'> & { pool?: WorkerPool } = {}): CodecStream {
  return new WorkerCodec(method, 'decompress', checkOptions(method, 'decompress', options), options);
}

let nextJob = 1;

type FromWorker =
  | { t: 'ack'; job: number; chunk?: Uint8Array<ArrayBuffer> }
  | { t: 'data'; job: number; chunk: Uint8Array }
  | { t: 'done'; job: number; inSize: number; inSha256: Uint8Array; outSize: number; outSha256: Uint8Array }
  | { t: 'error'; job: number; message: string }
  | { t: 'aborted'; job: number };

function checkOptions(method: CompressionMethod, mode: 'compress' | 'decompress', options: CodecOptions): { level?: number; threads: number } {
  if (!isCompressionMethod(method)) throw new TypeError(`unknown compression method ${JSON.stringify(method)}; expected xz, zstd, bzip2, gzip or none`);
  let level: number | undefined;
  if (mode === 'compress') {
    level = options.level ?? defaultLevel(method);
    const range = levelRange(method);
    if (options.level !== undefined && range && !(Number.isInteger(level) && level! >= range[0] && level! <= range[1])) {
      throw new RangeError(`compression level ${options.level} is not valid for ${method}: use ${range[0]}..${range[1]}`);
    }
  }
  const t = options.threads ?? 1;
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`threads must be a whole number >= 0, got ${options.threads}`);
  return { level, threads: t === 0 ? availableParallelism() : t };
}

class WorkerCodec extends Transform implements CodecStream {
  readonly digests: Promise<CodecDigests>;
  private resolveDigests!: (d: CodecDigests) => void;
  private rejectDigests!: (e: unknown) => void;
  private readonly job = nextJob++;
  private readonly pool: WorkerPool;
  private worker: Worker | undefined;
  private inFlight = 0;
  private batch: Uint8Array<ArrayBuffer> | undefined;
  private batchLength = 0;
  /** The write callback held back while INPUT_WINDOW chunks are in flight. */
  private heldWrite: TransformCallback | undefined;
  private flushCallback: TransformCallback | undefined;
  /** Output chunks pushed while the readable side was full: their credit is sent on the next _read. */
  private owedCredits = 0;
  private finished = false;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.destroy(this.signal!.reason);
  private readonly onExit = (code: number) => {
    // A dead worker cannot answer an abort: give its slot back to the pool now.
    const worker = this.worker;
    this.worker = undefined;
    if (worker) this.pool.discard(worker);
    this.destroy(new Error(`${this.method} ${this.mode}ion worker exited (code ${code}) before the end`));
  };

  constructor(
    readonly method: CompressionMethod,
    private readonly mode: 'compress' | 'decompress',
    private readonly spec: { level?: number; threads: number },
    private readonly options: CodecOptions & CompressorOptions,
  ) {
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    this.pool = options.pool ?? compressionPool();
    this.digests = new Promise((resolve, reject) => {
      this.resolveDigests = resolve;
      this.rejectDigests = reject;
    });
    // Nobody may be awaiting `digests` when the stream fails; the stream's own 'error' reports it.
    this.digests.catch(() => {});
    this.signal = options.signal;
    if (this.signal?.aborted) {
      // Let the caller attach its listeners first, as for any stream destroyed at once.
      queueMicrotask(() => this.destroy(this.signal!.reason));
    } else {
      this.signal?.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  override _construct(callback: (error?: Error | null) => void): void {
    this.pool.acquire(this.signal).then(
      (worker) => {
        if (this.destroyed) {
          // Destroyed while waiting for a worker: Node runs _destroy once construction ends.
          this.pool.release(worker);
          callback();
          return;
        }
        this.worker = worker;
        worker.on('message', (m: FromWorker) => this.onMessage(m));
        worker.on('error', (err) => this.destroy(new Error(`${this.method} ${this.mode}ion worker failed: ${err.message}`)));
        worker.on('exit', this.onExit);
        const file = this.options.outputFile;
        worker.postMessage({ t: 'start', job: this.job, method: this.method, mode: this.mode, level: this.spec.level, threads: this.spec.threads, ...(file ? { file } : {}) });
        callback();
      },
      (err) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    // Copy into a batch: the chunk's memory may be shared (Node's small-buffer pool, or a buffer the
    // producer reuses) and cannot be transferred; and codecs fed small pieces are slow (zstd takes
    // three times as long on 64 KiB writes as on 1 MiB ones), as is a message per small chunk.
    // Unless the caller gave its chunks away and this one is big and owns its memory: then it moves.
    if (this.options.transferInput && this.batchLength === 0 && chunk.byteLength >= TRANSFER_MIN && chunk.byteOffset === 0 && chunk.buffer instanceof ArrayBuffer && chunk.byteLength === chunk.buffer.byteLength) {
      const own = new Uint8Array(chunk.buffer);
      this.worker!.postMessage({ t: 'data', job: this.job, chunk: own }, [own.buffer]);
      this.inFlight++;
      if (this.inFlight < INPUT_WINDOW) callback();
      else this.heldWrite = callback;
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= spareBatches.pop() ?? new Uint8Array(BATCH);
      const n = Math.min(chunk.length - offset, BATCH - this.batchLength);
      this.batch.set(chunk.subarray(offset, offset + n), this.batchLength);
      this.batchLength += n;
      offset += n;
      if (this.batchLength === BATCH && offset < chunk.length) this.sendBatch();
    }
    // A chunk handed over for good that was copied (the short last one of a NAR) gives its buffer
    // back: it came from `inputBuffer`, and a dropped one is a fresh buffer later.
    if (this.options.transferInput) recycle(chunk.buffer);
    if (this.batchLength < BATCH) return callback();
    this.sendBatch();
    if (this.inFlight < INPUT_WINDOW) callback();
    else this.heldWrite = callback;
  }

  /** Posts the current batch to the worker (transferred, not copied). */
  private sendBatch(): void {
    if (!this.batch || this.batchLength === 0) return;
    // A short batch goes as a view of its whole buffer, which the worker gives back like a full one.
    const own = new Uint8Array(this.batch.buffer, 0, this.batchLength);
    this.batch = undefined;
    this.batchLength = 0;
    this.worker!.postMessage({ t: 'data', job: this.job, chunk: own }, [own.buffer]);
    this.inFlight++;
  }

  override _flush(callback: TransformCallback): void {
    this.flushCallback = callback;
    this.sendBatch();
    this.worker!.postMessage({ t: 'end', job: this.job });
  }

  override _read(size: number): void {
    for (; this.owedCredits > 0; this.owedCredits--) this.worker?.postMessage({ t: 'credit', job: this.job });
    super._read(size);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.off('exit', this.onExit);
      if (this.finished) this.pool.release(worker);
      else this.abortJob(worker);
    }
    if (!this.finished) {
      this.rejectDigests(error ?? new Error(`${this.method} ${this.mode}ion stopped before the end of its input`));
    }
    callback(error);
  }

  /**
   * Stops the worker's job and gives the worker back once it confirms. Not worker.terminate(): a
   * native codec (node-addon-api) that is inside a call when its environment is torn down aborts
   * the whole process. The worker handles the abort between two codec calls (one input chunk), closes
   * the codec, which frees its memory and threads, and is ready for the next job.
   */
  private abortJob(worker: Worker): void {
    const job = this.job;
    const pool = this.pool;
    worker.removeAllListeners('message');
    worker.removeAllListeners('error');
    const onExit = () => pool.discard(worker);
    worker.on('error', () => {}); // 'exit' follows
    worker.on('exit', onExit);
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'aborted' && m.job === job) {
        worker.off('exit', onExit);
        pool.release(worker);
      }
    });
    worker.postMessage({ t: 'abort', job });
  }

  private onMessage(m: FromWorker): void {
    if (m.job !== this.job || this.destroyed) return;
    switch (m.t) {
      case 'ack': {
        this.inFlight--;
        if (m.chunk) recycle(m.chunk.buffer);
        const held = this.heldWrite;
        this.heldWrite = undefined;
        held?.();
        return;
      }
      case 'data': {
        const chunk = Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength);
        // push() runs 'data' listeners at once, and one may destroy this stream (a copy that stops a
        // NAR at its NarSize): the worker is gone then, and nobody wants more output.
        if (this.push(chunk)) this.worker?.postMessage({ t: 'credit', job: this.job });
        else this.owedCredits++;
        return;
      }
      case 'done': {
        this.finished = true;
        this.resolveDigests({
          input: { hash: { algo: 'sha256', bytes: m.inSha256 }, size: m.inSize },
          output: { hash: { algo: 'sha256', bytes: m.outSha256 }, size: m.outSize },
        });
        // The worker is free again as soon as its job is done, not when the stream is consumed.
        const worker = this.worker!;
        this.worker = undefined;
        worker.off('exit', this.onExit);
        this.pool.release(worker);
        const flush = this.flushCallback;
        this.flushCallback = undefined;
        flush?.();
        return;
      }
      case 'error':
        this.destroy(new Error(`${this.method} ${this.mode}ion failed: ${m.message}`));
        return;
      case 'aborted':
        return;
    }
  }
}
