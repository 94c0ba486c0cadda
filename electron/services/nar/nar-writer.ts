/**
 * Serialises a file system tree to a NAR, byte-identical to `nix-store --dump PATH`.
 *
 * What Nix does and we copy: the root is lstat'ed (a symlink is archived as a symlink, never
 * followed); a regular file is "executable" iff the owner's x bit (S_IXUSR) is set; directory
 * entries are sorted by their raw bytes (std::map<std::string> order), not by JS string order, so
 * names are read and kept as Buffers throughout and odd-byte names survive; symlink targets are
 * copied as bytes; anything else (socket, FIFO, device) is an error naming the path. A file is read
 * for exactly the size fstat reported, and a file that shrinks meanwhile is an error, as in Nix.
 *
 * Speed:
 * - Output goes into 1 MiB buffers handed out when full, so the many small tokens become few large
 *   chunks, and file data is read straight into the output buffer (one copy, kernel to us).
 * - Per-file cost dominates trees of small files (open, fstat, read, close, for every file). Through
 *   libuv's thread pool each call costs tens of microseconds of hand-off, which made us 5x slower
 *   than Nix on /usr/include. So by default ("auto") the calls are synchronous, reads included
 *   (at most 1 MiB each): from the page cache they take microseconds. To keep the event loop
 *   responsive, synchronous work is cut into slices of a few milliseconds with a macrotask turn in
 *   between, and a few synchronous calls that are slow (a cold disk, a network file system) switch
 *   this dump to asynchronous calls for good.
 * - In asynchronous mode, upcoming entries of a directory are opened (and small files read) a few at
 *   a time ahead of the output position, so the thread pool and the disk are kept busy.
 * Memory stays bounded: at most `readAhead` small files (each at most 128 KiB) plus the output
 * buffers the consumer has not yet taken.
 */
import * as fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as fsa from './fs-async';
import { encodeToken, narMagic, padLength } from './nar-format';

export interface DumpOptions {
  signal?: AbortSignal;
  /** Size of the output chunks (default 1 MiB). */
  chunkSize?: number;
  /**
   * Where output buffers of `chunkSize` bytes come from (default: a fresh one each time). A consumer
   * that hands buffers back once it is done with them (the compressor) saves the kernel mapping and
   * zeroing fresh pages for every chunk.
   */
  allocate?: (size: number) => Buffer;
  /** In asynchronous mode, how many upcoming entries of a directory are loaded ahead (default 16). */
  readAhead?: number;
  /**
   * 'auto' (default): synchronous metadata calls and small reads while they are fast, as explained
   * above. 'async': never block the event loop, at a large cost for trees of many small files.
   */
  io?: 'auto' | 'async';
  /** In 'auto' mode, three synchronous calls slower than this switch to asynchronous (default 20 ms). */
  slowCallMs?: number;
}

/** A file that cannot be archived (wrong type, unreadable, changed while reading). */
export class NarDumpError extends Error {
  override name = 'NarDumpError';
  constructor(
    /** The file system path concerned, for display. */
    readonly fsPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const defaultChunkSize = 1 << 20;
const defaultReadAhead = 16;
/** Files up to this size are read in one go (synchronously, or by the read-ahead). */
const smallFileMax = 128 << 10;
/** Longest stretch of synchronous work before the event loop gets a turn. */
const sliceMs = 8;
/** A synchronous call slower than this means the data is not cached... */
const defaultSlowCallMs = 20;
/** ...and this many of them switch the dump to asynchronous calls. More than one, because on a busy
 * machine a fast call is sometimes slow by the clock only (the process was descheduled). */
const slowCallsToSwitch = 3;

const tok = encodeToken;
const cat = (...parts: Uint8Array[]) => Buffer.concat(parts);
// Fixed token sequences, precomputed so each node costs one or two copies.
const T = {
  magic: tok(narMagic),
  regularHead: cat(tok('('), tok('type'), tok('regular'), tok('contents')),
  executableHead: cat(tok('('), tok('type'), tok('regular'), tok('executable'), tok(''), tok('contents')),
  symlinkHead: cat(tok('('), tok('type'), tok('symlink'), tok('target')),
  directoryHead: cat(tok('('), tok('type'), tok('directory')),
  entryHead: cat(tok('entry'), tok('('), tok('name')),
  node: tok('node'),
  close: tok(')'),
};
const zeros = new Uint8Array(8);

/** Accumulates output into fixed-size buffers; full ones wait in `ready` for the generator to yield. */
class Output {
  buf: Buffer;
  pos = 0;
  ready: Buffer[] = [];
  private readonly u64 = Buffer.alloc(8);

  constructor(
    private readonly size: number,
    private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {
    this.buf = allocate(size);
  }

  get space(): number {
    return this.size - this.pos;
  }

  /** Makes room for a direct write of at least one byte. */
  ensureSpace(): void {
    if (this.pos < this.size) return;
    this.ready.push(this.buf);
    // Never the old one again: the consumer (a stream queue, a hash) may still hold it.
    this.buf = this.allocate(this.size);
    this.pos = 0;
  }

  commit(n: number): void {
    this.pos += n;
  }

  put(bytes: Uint8Array): void {
    if (bytes.length <= this.space) {
      this.buf.set(bytes, this.pos);
      this.pos += bytes.length;
      return;
    }
    let off = 0;
    while (off < bytes.length) {
      this.ensureSpace();
      const n = Math.min(bytes.length - off, this.space);
      this.buf.set(bytes.subarray(off, off + n), this.pos);
      this.pos += n;
      off += n;
    }
  }

  putU64(n: number): void {
    this.u64.writeUInt32LE(n % 2 ** 32, 0);
    this.u64.writeUInt32LE(Math.floor(n / 2 ** 32), 4);
    this.put(this.u64);
  }

  padding(len: number): void {
    const pad = padLength(len);
    if (pad) this.put(zeros.subarray(0, pad));
  }

  putString(bytes: Uint8Array): void {
    this.putU64(bytes.length);
    this.put(bytes);
    this.padding(bytes.length);
  }

  /** Hands over the full buffers. */
  take(): Buffer[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** The unfinished last buffer, trimmed. */
  finish(): Buffer | null {
    if (this.pos === 0) return null;
    const last = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return last;
  }
}

// O_NONBLOCK: if a regular file is swapped for a FIFO between readdir and open, open must not hang
// (fstat then reports the FIFO). O_NOFOLLOW: a file swapped for a symlink is not followed. (libuv
// adds O_CLOEXEC itself.)
const openFlags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * The file system calls the dumper makes, synchronous or asynchronous. Callers always `await` the
 * result; for the synchronous table that costs a microtask, not a thread-pool round trip.
 */
interface Ops {
  lstat(p: Buffer): fs.Stats | Promise<fs.Stats>;
  readdir(p: Buffer): fs.Dirent<Buffer>[] | Promise<fs.Dirent<Buffer>[]>;
  readlink(p: Buffer): Buffer | Promise<Buffer>;
  open(p: Buffer): number | Promise<number>;
  fstat(fd: number): fs.Stats | Promise<fs.Stats>;
  read(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number | Promise<number>;
  close(fd: number): void | Promise<void>;
}

const asyncImpl = {
  lstat: fsa.lstat,
  readdir: fsa.readdirTyped,
  readlink: fsa.readlink,
  open: (p: Buffer) => fsa.open(p, openFlags),
  fstat: fsa.fstat,
  read: fsa.read,
  close: async (fd: number) => {
    await fsa.close(fd);
  },
};
const asyncOps: Ops = asyncImpl;

const syncImpl = {
  lstat: (p: Buffer) => fs.lstatSync(p),
  readdir: (p: Buffer) => fs.readdirSync(p, { encoding: 'buffer', withFileTypes: true }),
  readlink: (p: Buffer) => fs.readlinkSync(p, { encoding: 'buffer' }),
  open: (p: Buffer) => fs.openSync(p, openFlags),
  fstat: (fd: number) => fs.fstatSync(fd),
  read: (fd: number, buf: Uint8Array, off: number, len: number, pos: number) => fs.readSync(fd, buf, off, len, pos),
  close: (fd: number) => fs.closeSync(fd),
};

/** Synchronous calls that notice when one is slow and switch the owner to asynchronous mode. */
class Io {
  private sync: boolean;
  private slowCalls = 0;
  private sliceStart = performance.now();
  readonly ops: Ops;

  constructor(mode: 'auto' | 'async', slowCallMs: number) {
    this.sync = mode === 'auto';
    const pick =
      <A extends unknown[], R>(syncFn: (...a: A) => R, asyncFn: (...a: A) => Promise<R>) =>
      (...a: A): R | Promise<R> => {
        if (!this.sync) return asyncFn(...a);
        const t0 = performance.now();
        const r = syncFn(...a);
        if (performance.now() - t0 > slowCallMs && ++this.slowCalls >= slowCallsToSwitch) this.sync = false;
        return r;
      };
    this.ops = {
      lstat: pick(syncImpl.lstat, asyncImpl.lstat),
      readdir: pick(syncImpl.readdir, asyncImpl.readdir),
      readlink: pick(syncImpl.readlink, asyncImpl.readlink),
      open: pick(syncImpl.open, asyncImpl.open),
      fstat: pick(syncImpl.fstat, asyncImpl.fstat),
      read: pick(syncImpl.read, asyncImpl.read),
      close: pick(syncImpl.close, asyncImpl.close),
    };
  }

  get isSync(): boolean {
    return this.sync;
  }

  /** Gives the event loop a turn if synchronous work has run for a whole slice. */
  async pace(): Promise<void> {
    if (!this.sync) return;
    const now = performance.now();
    if (now - this.sliceStart < sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

type Kind = 'regular' | 'directory' | 'symlink' | 'other';

function kindOf(st: fs.Stats | fs.Dirent<Buffer>): Kind {
  if (st.isFile()) return 'regular';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function describeOther(st: fs.Stats | fs.Dirent<Buffer>): string {
  if (st.isSocket()) return 'a socket';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'of an unknown type';
}

function unsupported(p: Buffer, st: fs.Stats | fs.Dirent<Buffer>): NarDumpError {
  const shown = p.toString();
  return new NarDumpError(
    shown,
    `cannot archive '${shown}': it is ${describeOther(st)}; a NAR holds only regular files, directories and symlinks`,
  );
}

function ioError(p: Buffer, what: string, err: unknown): NarDumpError {
  if (err instanceof NarDumpError) return err;
  const shown = p.toString();
  const detail = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
  return new NarDumpError(shown, `cannot archive '${shown}': ${what} failed (${detail})`, { cause: err });
}

function shrank(p: Buffer, size: number, got: number): NarDumpError {
  const shown = p.toString();
  return new NarDumpError(shown, `cannot archive '${shown}': file shrank while reading (${got} of ${size} bytes)`);
}

/** Calls `fn`, turning any failure into a NarDumpError naming `p` and the call. */
async function attempt<R>(p: Buffer, what: string, fn: () => R | Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (err) {
    throw ioError(p, what, err);
  }
}

/** What is known about one entry before its node is written. */
type Leaf =
  | { kind: 'directory' }
  | { kind: 'symlink'; target: Buffer }
  /** `data` when read whole by the read-ahead (fd closed), else `fd` is open for streaming. */
  | { kind: 'regular'; executable: boolean; size: number; data?: Buffer; fd?: number };

async function loadEntry(ops: Ops, p: Buffer, kind: Kind, st: fs.Stats | fs.Dirent<Buffer>, readSmall: boolean): Promise<Leaf> {
  switch (kind) {
    case 'directory':
      return { kind: 'directory' };
    case 'symlink':
      return { kind: 'symlink', target: await attempt(p, 'readlink', () => ops.readlink(p)) };
    case 'other':
      throw unsupported(p, st);
  }
  const fd = await attempt(p, 'open', () => ops.open(p));
  let keepOpen = false;
  try {
    const fst = await attempt(p, 'fstat', () => ops.fstat(fd));
    if (!fst.isFile()) throw unsupported(p, fst);
    const executable = (fst.mode & fs.constants.S_IXUSR) !== 0;
    const size = fst.size;
    if (!readSmall || size > smallFileMax) {
      keepOpen = true;
      return { kind: 'regular', executable, size, fd };
    }
    const data = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = await attempt(p, 'read', () => ops.read(fd, data, got, size - got, got));
      if (n === 0) throw shrank(p, size, got);
      got += n;
    }
    return { kind: 'regular', executable, size, data };
  } finally {
    // A close error must not hide the error that got us here (and a read-only fd loses no data).
    if (!keepOpen) await Promise.resolve().then(() => ops.close(fd)).catch(() => {});
  }
}

/** Releases what a read-ahead result holds, whether or not it succeeded. */
async function discard(pending: Promise<Leaf>): Promise<void> {
  try {
    const leaf = await pending;
    if (leaf.kind === 'regular' && leaf.fd !== undefined) await fsa.close(leaf.fd).catch(() => {});
  } catch {
    // Errors of entries never reached are not reported.
  }
}

interface Frame {
  dir: Buffer;
  entries: fs.Dirent<Buffer>[];
  /** Next entry to write. */
  next: number;
  /** Read-ahead results for entries next .. next + ahead.length - 1 (asynchronous mode only). */
  ahead: Promise<Leaf>[];
  /** Whether this directory is an entry of its parent (so its `entry (` must be closed). */
  nested: boolean;
}

const slash = Buffer.from('/');

function childPath(dir: Buffer, name: Buffer): Buffer {
  // The root may be given with a trailing slash (`/tmp/x/`); do not double it.
  return dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, slash, name]);
}

/**
 * The NAR of `path` as a stream of chunks (Buffers of `chunkSize` bytes, the last one shorter).
 * Throws `NarDumpError` for files a NAR cannot hold or that cannot be read, and the signal's reason
 * when aborted. Stopping the iteration early closes any open files.
 */
export async function* dumpPath(path: string | Buffer, opts: DumpOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const signal = opts.signal;
  const readAhead = Math.max(1, opts.readAhead ?? defaultReadAhead);
  const out = new Output(Math.max(4096, opts.chunkSize ?? defaultChunkSize), opts.allocate);
  const io = new Io(opts.io ?? 'auto', opts.slowCallMs ?? defaultSlowCallMs);
  const ops = io.ops;
  const root = typeof path === 'string' ? Buffer.from(path) : path;
  const stack: Frame[] = [];
  // The file being streamed; closed in `finally` if the consumer stops early or an error occurs.
  let openFd: number | undefined;

  async function openDirectory(p: Buffer, nested: boolean): Promise<Frame> {
    const entries = await attempt(p, 'readdir', () => ops.readdir(p));
    // Byte-wise, like Nix's std::map<std::string>; Buffer.compare is memcmp.
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    return { dir: p, entries, next: 0, ahead: [], nested };
  }

  /** Writes a regular file's node, streaming contents straight into the output buffers. */
  async function* regular(p: Buffer, leaf: Extract<Leaf, { kind: 'regular' }>): AsyncGenerator<Buffer> {
    out.put(leaf.executable ? T.executableHead : T.regularHead);
    out.putU64(leaf.size);
    if (leaf.data) {
      out.put(leaf.data);
    } else {
      const fd = leaf.fd!;
      openFd = fd;
      // At most one output buffer (1 MiB) per read: from the page cache that takes well under a
      // millisecond synchronously, and a slow one switches the dump to asynchronous reads.
      let pos = 0;
      while (pos < leaf.size) {
        out.ensureSpace();
        const want = Math.min(out.space, leaf.size - pos);
        const n = await attempt(p, 'read', () => ops.read(fd, out.buf, out.pos, want, pos));
        if (n === 0) throw shrank(p, leaf.size, pos);
        out.commit(n);
        pos += n;
        // Hand a full buffer over before reading more, so no more than one is filled ahead.
        out.ensureSpace();
        if (out.ready.length) {
          yield* out.take();
          signal?.throwIfAborted();
          await io.pace();
        }
      }
      openFd = undefined;
      await attempt(p, 'close', () => ops.close(fd));
    }
    out.padding(leaf.size);
    out.put(T.close);
  }

  /** In asynchronous mode, keeps up to `readAhead` upcoming entries of `f` loading. */
  function fillAhead(f: Frame): void {
    while (f.ahead.length < readAhead && f.next + f.ahead.length < f.entries.length) {
      const e = f.entries[f.next + f.ahead.length]!;
      const pending = loadEntry(asyncOps, childPath(f.dir, e.name), kindOf(e), e, true);
      // Errors are rethrown when the entry is reached; this only keeps them from counting as unhandled.
      pending.catch(() => {});
      f.ahead.push(pending);
    }
  }

  try {
    signal?.throwIfAborted();
    out.put(T.magic);
    const rootStat = await attempt(root, 'lstat', () => ops.lstat(root));
    const rootKind = kindOf(rootStat);
    if (rootKind === 'directory') {
      out.put(T.directoryHead);
      stack.push(await openDirectory(root, false));
    } else {
      const leaf = await loadEntry(ops, root, rootKind, rootStat, false);
      if (leaf.kind === 'regular') yield* regular(root, leaf);
      else if (leaf.kind === 'symlink') {
        out.put(T.symlinkHead);
        out.putString(leaf.target);
        out.put(T.close);
      }
    }

    while (stack.length) {
      const f = stack[stack.length - 1]!;
      if (f.next === f.entries.length) {
        stack.pop();
        out.put(T.close); // end of the directory node
        if (f.nested) out.put(T.close); // end of its `entry (` in the parent
        continue;
      }
      signal?.throwIfAborted();
      await io.pace();
      const e = f.entries[f.next]!;
      const p = childPath(f.dir, e.name);
      let leaf: Leaf;
      if (f.ahead.length === 0 && io.isSync) {
        leaf = await loadEntry(ops, p, kindOf(e), e, false);
      } else {
        fillAhead(f);
        leaf = await f.ahead.shift()!;
      }
      f.next++;
      out.put(T.entryHead);
      out.putString(e.name);
      out.put(T.node);
      if (leaf.kind === 'directory') {
        out.put(T.directoryHead);
        stack.push(await openDirectory(p, true));
        continue;
      }
      if (leaf.kind === 'regular') {
        yield* regular(p, leaf);
      } else {
        out.put(T.symlinkHead);
        out.putString(leaf.target);
        out.put(T.close);
      }
      out.put(T.close); // end of `entry (`
      if (out.ready.length) yield* out.take();
    }

    yield* out.take();
    const last = out.finish();
    if (last) yield last;
  } finally {
    if (openFd !== undefined) await fsa.close(openFd).catch(() => {});
    for (const f of stack) for (const pending of f.ahead) await discard(pending);
  }
}
