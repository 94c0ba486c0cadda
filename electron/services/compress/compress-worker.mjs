// The worker thread behind createCompressor/createDecompressor (compress.ts): one job at a time,
// it hashes the bytes it is given (sha256), runs them through a codec and hashes what comes out, so
// neither compression nor hashing takes the main thread's time.
//
// Plain JavaScript on purpose: a worker is started by Node itself, outside tsx or vitest's
// transform, so it cannot be TypeScript. The message protocol is described in compress.ts.
//
// Flow control is by credits both ways, so memory stays bounded whatever the input size: the main
// side has at most a few input chunks in flight (each one acknowledged once the codec accepted it),
// and this side at most OUTPUT_WINDOW output chunks that the main side has not taken yet.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { closeSync, existsSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Duplex, PassThrough, Transform, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parentPort } from 'node:worker_threads';
import * as zlib from 'node:zlib';

const require = createRequire(import.meta.url);
const OUTPUT_WINDOW = 4;

if (!parentPort) throw new Error('compress-worker.mjs must run in a worker thread');
const port = parentPort;

/** @type {Job | undefined} */
let job;

/**
 * A codec as a Duplex stream: bytes in, bytes out.
 * @param {{ method: string, mode: 'compress' | 'decompress', level?: number, threads: number }} spec
 * @returns {import('node:stream').Duplex}
 */
function makeCodec(spec) {
  const { method, mode, level, threads } = spec;
  const compress = mode === 'compress';
  switch (method) {
    case 'none':
      return new PassThrough();
    case 'gzip':
      return compress ? zlib.createGzip({ level: level ?? 6 }) : zlib.createGunzip();
    case 'xz':
      return xzCodec(compress, level ?? 6, threads);
    case 'zstd': {
      const zstd = require('zstd-napi');
      if (!compress) return new zstd.DecompressStream();
      // nbWorkers > 0 switches zstd to its multi-threaded mode (jobs compressed in parallel).
      return new zstd.CompressStream({ compressionLevel: level ?? 3, nbWorkers: threads > 1 ? threads : 0 });
    }
    case 'bzip2':
      // No maintained bzip2 encoder exists as a Node binding or WebAssembly stream; the bzip2
      // program (libbz2 itself) is on every system that has Nix.
      return spawnCodec('bzip2', compress ? ['-c', `-${level ?? 9}`] : ['-d', '-c']);
    default:
      throw new Error(`unknown compression method ${JSON.stringify(method)}`);
  }
}

/**
 * zstd compression straight into `sink` (a job with a file): one output buffer for every call, handed
 * to the sink (which writes it out at once) before the next. zstd-napi's CompressStream allocates a
 * fresh 128 KiB buffer for every piece of output, which glibc maps and the kernel zeroes each time:
 * on a push of 190 MiB those page faults were a quarter of the whole process's CPU time.
 * @param {number} level
 * @param {number} threads
 * @param {(out: Buffer) => void} sink
 */
function zstdToSink(level, threads, sink) {
  const binding = require('zstd-napi/binding');
  // One context per worker, reset for each job: a fresh one maps and faults in its window and tables
  // (megabytes) for every NAR, and is freed only when the garbage collector gets to it.
  zstdContext ??= new binding.CCtx();
  const cctx = zstdContext;
  cctx.reset(binding.ResetDirective.sessionAndParameters);
  cctx.setParameter(binding.CParameter.compressionLevel, level);
  // nbWorkers > 0 switches zstd to its multi-threaded mode (jobs compressed in parallel).
  if (threads > 1) cctx.setParameter(binding.CParameter.nbWorkers, threads);
  // Kept for the worker's next job too: the sink writes each piece out before the next call.
  zstdOut ??= Buffer.allocUnsafe(1 << 20);
  const out = zstdOut;
  /** @param {Buffer} input @param {number} directive */
  const run = (input, directive) => {
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(out, input, directive);
      if (produced > 0) sink(out.subarray(0, produced));
      input = input.subarray(consumed);
      if (input.length === 0 && (directive === binding.EndDirective.continue || remaining === 0)) return;
    }
  };
  return syncWritable(
    (chunk) => run(chunk, binding.EndDirective.continue),
    () => run(Buffer.alloc(0), binding.EndDirective.end),
  );
}

/**
 * A Writable around synchronous work: `write` for each chunk, `end` once at the end; a throw fails
 * the stream.
 * @param {(chunk: Buffer) => void} write
 * @param {() => void} [end]
 */
function syncWritable(write, end = () => {}) {
  /** @param {() => void} work @param {(err?: Error) => void} callback */
  const attempt = (work, callback) => {
    try {
      work();
    } catch (err) {
      return callback(/** @type {Error} */ (err));
    }
    callback();
  };
  return new Writable({
    write: (chunk, _encoding, callback) => attempt(() => write(chunk), callback),
    final: (callback) => attempt(end, callback),
  });
}

/** @type {any} */
let zstdContext;
/** @type {Buffer | undefined} */
let zstdOut;

const LZMA_MESSAGES = {
  5: 'cannot allocate memory',
  6: 'memory usage limit reached',
  7: 'file format not recognized (not xz)',
  8: 'unsupported options',
  9: 'compressed data is corrupt',
  10: 'unexpected end of input',
  11: 'internal error (programming error in liblzma)',
};

/**
 * xz with the system's liblzma, through the native binding that node-liblzma builds (N-API): the
 * same library and speed as the `xz` program. Its JavaScript stream runs every call in the libuv
 * pool, and a worker terminated while such a call is out takes the whole process down (the call's
 * completion throws into a dead environment); so this drives the binding's synchronous codeSync,
 * which is what this thread is for. With threads > 1, liblzma's multi-threaded encoder cuts the
 * input into blocks of 3x the dictionary (24 MiB at -6) compressed in parallel, exactly as `xz -T`;
 * with one thread the output is xz's single-block stream. CRC64 check, as xz and Nix write.
 * @param {boolean} compress
 * @param {number} level
 * @param {number} threads
 */
function xzCodec(compress, level, threads) {
  const native = loadLiblzma();
  const engine = new native.LZMA(compress ? native.STREAM_ENCODE : native.STREAM_DECODE, {
    check: native.LZMA_CHECK_CRC64,
    preset: level,
    filters: [native.LZMA_FILTER_LZMA2],
    mode: native.LZMA_MODE_NORMAL,
    threads,
    chunkSize: XZ_OUT,
    flushFlag: native.LZMA_RUN,
  });
  let out = Buffer.allocUnsafe(XZ_OUT);
  let outOff = 0;
  let closed = false;
  const close = () => {
    if (!closed) engine.close();
    closed = true;
  };
  /**
   * Feeds one chunk (or finishes), pushing what liblzma gives back.
   * @param {Transform} stream
   * @param {Buffer} chunk
   * @param {number} action
   */
  const code = (stream, chunk, action) => {
    let inOff = 0;
    let availIn = chunk.length;
    for (;;) {
      const [status, availInAfter, availOutAfter] = engine.codeSync(action, chunk, inOff, availIn, out, outOff);
      if (status !== native.LZMA_OK && status !== native.LZMA_STREAM_END) {
        throw new Error(LZMA_MESSAGES[status] ?? `liblzma error ${status}`);
      }
      const used = XZ_OUT - outOff - availOutAfter;
      if (used > 0) stream.push(out.subarray(outOff, outOff + used));
      outOff += used;
      // Pushed bytes stay referenced: never write over them, take a fresh buffer when this one is full.
      if (availOutAfter === 0) {
        out = Buffer.allocUnsafe(XZ_OUT);
        outOff = 0;
      }
      inOff += availIn - availInAfter;
      availIn = availInAfter;
      if (status === native.LZMA_STREAM_END) return;
      if (action === native.LZMA_RUN && availIn === 0 && availOutAfter > 0) return;
    }
  };
  return new Transform({
    transform(chunk, _encoding, callback) {
      try {
        code(this, chunk, native.LZMA_RUN);
        callback();
      } catch (err) {
        close();
        callback(/** @type {Error} */ (err));
      }
    },
    flush(callback) {
      try {
        code(this, Buffer.alloc(0), native.LZMA_FINISH);
        close();
        callback();
      } catch (err) {
        close();
        callback(/** @type {Error} */ (err));
      }
    },
    destroy(err, callback) {
      close();
      callback(err);
    },
  });
}

const XZ_OUT = 1 << 20;
/** @type {any} */
let liblzma;
function loadLiblzma() {
  if (liblzma) return liblzma;
  // The package's folder (its exports hide package.json): walk up from its entry point.
  let dir = dirname(require.resolve('node-liblzma'));
  while (!existsSync(join(dir, 'binding.gyp'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the node-liblzma package folder');
    dir = up;
  }
  liblzma = require('node-gyp-build')(dir);
  return liblzma;
}

/**
 * A child process as a Duplex: bytes written go to its stdin, its stdout is the readable side. The
 * readable side ends only once the process has exited 0, so a failure is an error, never a short
 * but "successful" output; the error carries its stderr.
 * @param {string} cmd
 * @param {string[]} args
 */
function spawnCodec(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => {
    if (stderr.length < 4096) stderr += s;
  });
  // A process that stops reading (it failed) makes writes fail with EPIPE: its exit status says why.
  child.stdin.on('error', () => {});
  const input = new Writable({
    write(chunk, _encoding, callback) {
      if (child.stdin.destroyed) return callback();
      child.stdin.write(chunk, () => callback());
    },
    final(callback) {
      child.stdin.end();
      callback();
    },
  });
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  child.on('error', (err) => output.destroy(new Error(`cannot run ${cmd}: ${err.message}`)));
  child.on('close', (code, signal) => {
    if (code === 0) output.end();
    else output.destroy(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
  });
  const duplex = Duplex.from({ writable: input, readable: output });
  duplex.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  return duplex;
}

/** A fresh ArrayBuffer holding exactly these bytes, safe to transfer (never Node's shared pool). */
function ownBuffer(/** @type {Uint8Array} */ chunk) {
  if (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && !(chunk.buffer instanceof SharedArrayBuffer)) {
    return chunk;
  }
  return new Uint8Array(chunk);
}

/**
 * Writes all of `chunk` at the end of the file `fd` (writeSync may write less than asked).
 * @param {number} fd
 * @param {Uint8Array} chunk
 */
function writeAll(fd, chunk) {
  for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
}

class Job {
  /**
   * With `file`, output goes to that file (created, never overwritten) instead of back to the main
   * side: the main thread then neither receives nor writes the output, which with two cores was a
   * good part of a push's time. With `sync` the file is fsynced before `done`, here, so the NARs of
   * jobs running at once are flushed in parallel and never on the main thread. A job that fails or
   * is aborted removes its file.
   * @param {{ job: number, method: string, mode: 'compress' | 'decompress', level?: number, threads: number, file?: { path: string, mode?: number, sync?: boolean } }} spec
   */
  constructor(spec) {
    this.id = spec.job;
    this.method = spec.method;
    this.inHash = createHash('sha256');
    // With none, what comes out is what went in: one hash of the bytes, not two.
    this.outHash = spec.method === 'none' ? undefined : createHash('sha256');
    this.inSize = 0;
    this.outSize = 0;
    this.outstanding = 0;
    /** @type {(() => void) | undefined} */
    this.wake = undefined;
    this.failed = false;
    this.file = spec.file;
    /** @type {number | undefined} */
    this.fd = spec.file ? openSync(spec.file.path, 'wx', spec.file.mode ?? 0o600) : undefined;
    try {
      // zstd, or none, into a file skips the stream on the way out: output goes from the codec (or, for
      // none, each chunk as it comes) to the file, so the chunk's memory can go back at once.
      this.direct = this.fd !== undefined && spec.mode === 'compress' && (spec.method === 'zstd' || spec.method === 'none');
      const sink = (/** @type {Uint8Array} */ out) => this.writeOut(out);
      this.codec = !this.direct ? makeCodec(spec) : spec.method === 'zstd' ? zstdToSink(spec.level ?? 3, spec.threads, sink) : syncWritable(sink);
    } catch (err) {
      this.removeFile();
      throw err;
    }
    this.codec.on('error', (err) => this.fail(err));
    void (this.direct ? this.awaitFinish() : this.drain());
  }

  /**
   * One piece of output into the job's file, at once (the caller may reuse its memory afterwards).
   * @param {Uint8Array} out
   */
  writeOut(out) {
    this.outHash?.update(out);
    this.outSize += out.length;
    writeAll(/** @type {number} */ (this.fd), out);
  }

  async awaitFinish() {
    try {
      await finished(this.codec, { readable: false });
    } catch (err) {
      this.fail(err);
      return;
    }
    this.complete();
  }

  /** @param {Uint8Array} chunk */
  write(chunk) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.inHash.update(buf);
    this.inSize += buf.length;
    this.codec.write(buf, (err) => {
      if (err || job !== this) return;
      // The codec is done with the chunk (each one copies or consumes its input before calling back),
      // so its memory goes back to the main side for the next batch. Not with none into a stream: its
      // "codec" passes the very chunk on as output (into a file it was written before the callback).
      if ((this.method !== 'none' || this.direct) && chunk.buffer instanceof ArrayBuffer) {
        port.postMessage({ t: 'ack', job: this.id, chunk }, [chunk.buffer]);
      } else {
        port.postMessage({ t: 'ack', job: this.id });
      }
    });
  }

  end() {
    this.codec.end();
  }

  credit() {
    this.outstanding--;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async drain() {
    try {
      for await (const out of this.codec) {
        if (this.failed) return;
        if (this.fd !== undefined) {
          this.writeOut(out);
          continue;
        }
        this.outHash?.update(out);
        this.outSize += out.length;
        while (this.outstanding >= OUTPUT_WINDOW) await new Promise((resolve) => (this.wake = resolve));
        this.outstanding++;
        const own = ownBuffer(out);
        port.postMessage({ t: 'data', job: this.id, chunk: own }, [own.buffer]);
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    this.complete();
  }

  /** All output is out: closes the file (fsynced if asked) and reports the digests. */
  complete() {
    if (this.failed) return;
    if (this.fd !== undefined) {
      try {
        if (this.file?.sync) fsyncSync(this.fd);
        closeSync(this.fd);
        this.fd = undefined;
      } catch (err) {
        this.fail(err);
        return;
      }
    }
    const inSha256 = new Uint8Array(this.inHash.digest());
    port.postMessage({
      t: 'done',
      job: this.id,
      inSize: this.inSize,
      inSha256,
      outSize: this.outSize,
      outSha256: this.outHash ? new Uint8Array(this.outHash.digest()) : inSha256,
    });
    if (job === this) job = undefined;
  }

  /** Stops this job: closes the codec (and its native memory, threads or child process), says nothing more. */
  abort() {
    this.failed = true;
    this.codec.destroy();
    this.removeFile();
    this.credit();
    if (job === this) job = undefined;
  }

  /** Closes and removes the output file of a job that did not finish (best effort). */
  removeFile() {
    if (!this.file) return;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing is all that is left to do with it.
      }
      this.fd = undefined;
    }
    try {
      unlinkSync(this.file.path);
    } catch {
      // Already gone (the main side removes it too).
    }
  }

  /** @param {unknown} err */
  fail(err) {
    if (this.failed) return;
    this.failed = true;
    const message = err instanceof Error ? err.message : String(err);
    port.postMessage({ t: 'error', job: this.id, message });
    this.codec.destroy();
    this.removeFile();
    if (job === this) job = undefined;
  }
}

port.on('message', (/** @type {any} */ m) => {
  if (m.t === 'start') {
    try {
      job = new Job(m);
    } catch (err) {
      port.postMessage({ t: 'error', job: m.job, message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  if (m.t === 'abort') {
    // Always answered, even for a job that has already ended: the main side waits for it.
    if (job && job.id === m.job) job.abort();
    port.postMessage({ t: 'aborted', job: m.job });
    return;
  }
  if (!job || job.id !== m.job) return; // a message for a job that already failed
  if (m.t === 'data') job.write(m.chunk);
  else if (m.t === 'end') job.end();
  else if (m.t === 'credit') job.credit();
});
