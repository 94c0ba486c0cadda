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
 * Speed: output goes into 1 MiB buffers that are handed out when full, so many small tokens become
 * few large chunks and file data is read straight into the output buffer (one copy, kernel to us).
 * Small files are opened and read a few at a time ahead of the output position, because one file
 * costs several thread-pool round trips (open, fstat, read, close) and doing them one after another
 * leaves the disk and the thread pool idle. Memory stays bounded: at most `readAhead` small files
 * (each at most 128 KiB) plus the output buffers the consumer has not yet taken.
 */
import * as fs from 'node:fs';
import { close, fstat, lstat, open as openFile, read, readdirTyped as readdir, readlink } from './fs-async';
import { encodeToken, narMagic, padLength } from './nar-format';

export interface DumpOptions {
  signal?: AbortSignal;
  /** Size of the output chunks (default 1 MiB). */
  chunkSize?: number;
  /** How many upcoming entries of a directory are opened and (if small) read ahead (default 16). */
  readAhead?: number;
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
/** Files up to this size are read whole by the read-ahead; larger ones are streamed in order. */
const smallFileMax = 128 << 10;

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

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  get space(): number {
    return this.size - this.pos;
  }

  /** Hands the current buffer over (the consumer may keep it) and starts a fresh one. */
  private rotate(): void {
    this.ready.push(this.buf);
    // A fresh buffer each time: a consumer (a stream queue, a hash worker) may still hold the old one.
    this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
  }

  /** Makes room for a direct write of at least one byte. */
  ensureSpace(): void {
    if (this.pos === this.size) this.rotate();
  }

  commit(n: number): void {
    this.pos += n;
  }

  put(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      this.ensureSpace();
      const n = Math.min(bytes.length - off, this.space);
      this.buf.set(off === 0 && n === bytes.length ? bytes : bytes.subarray(off, off + n), this.pos);
      this.pos += n;
      off += n;
    }
  }

  putU64(n: number): void {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(n % 2 ** 32, 0);
    b.writeUInt32LE(Math.floor(n / 2 ** 32), 4);
    this.put(b);
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

type Kind = 'regular' | 'directory' | 'symlink' | 'other';

function kindOfStats(st: fs.Stats | fs.Dirent<Buffer>): Kind {
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
  const shown = p.toString();
  const detail = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
  return new NarDumpError(shown, `cannot archive '${shown}': ${what} failed (${detail})`, { cause: err });
}

/** What the read-ahead found out about one entry. */
type Leaf =
  | { kind: 'directory' }
  | { kind: 'symlink'; target: Buffer }
  | { kind: 'regular'; executable: boolean; size: number; data: Buffer; fd?: undefined }
  | { kind: 'regular'; executable: boolean; size: number; data?: undefined; fd: number };

/** Opens a regular file and, if small, reads it whole and closes it again. */
async function loadRegular(p: Buffer): Promise<Leaf> {
  let fd: number;
  try {
    fd = await openFile(p, openFlags);
  } catch (err) {
    throw ioError(p, 'open', err);
  }
  let keepOpen = false;
  try {
    let st: fs.Stats;
    try {
      st = await fstat(fd);
    } catch (err) {
      throw ioError(p, 'fstat', err);
    }
    if (!st.isFile()) throw unsupported(p, st);
    const executable = (st.mode & fs.constants.S_IXUSR) !== 0;
    const size = st.size;
    if (size > smallFileMax) {
      keepOpen = true;
      return { kind: 'regular', executable, size, fd };
    }
    const data = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      let n: number;
      try {
        n = await read(fd, data, got, size - got, got);
      } catch (err) {
        throw ioError(p, 'read', err);
      }
      if (n === 0) throw shrank(p, size, got);
      got += n;
    }
    return { kind: 'regular', executable, size, data };
  } finally {
    if (!keepOpen) await close(fd).catch(() => {});
  }
}

function shrank(p: Buffer, size: number, got: number): NarDumpError {
  const shown = p.toString();
  return new NarDumpError(shown, `cannot archive '${shown}': file shrank while reading (${got} of ${size} bytes)`);
}

async function loadEntry(p: Buffer, kind: Kind, st: fs.Stats | fs.Dirent<Buffer>): Promise<Leaf> {
  switch (kind) {
    case 'regular':
      return loadRegular(p);
    case 'symlink':
      try {
        return { kind: 'symlink', target: await readlink(p) };
      } catch (err) {
        throw ioError(p, 'readlink', err);
      }
    case 'directory':
      return { kind: 'directory' };
    default:
      throw unsupported(p, st);
  }
}

/** Releases what a read-ahead result holds, whether or not it succeeded. */
async function discard(pending: Promise<Leaf>): Promise<void> {
  try {
    const leaf = await pending;
    if (leaf.kind === 'regular' && leaf.fd !== undefined) await close(leaf.fd).catch(() => {});
  } catch {
    // Errors of entries never reached are not reported.
  }
}

interface Frame {
  dir: Buffer;
  names: Buffer[];
  kinds: Kind[];
  dirents: fs.Dirent<Buffer>[];
  /** Next entry to emit. */
  next: number;
  /** Read-ahead results for entries next .. next + ahead.length - 1. */
  ahead: Promise<Leaf>[];
  /** Whether this directory is an entry of its parent (so its `entry (` must be closed). */
  nested: boolean;
}

const slash = Buffer.from('/');

function childPath(dir: Buffer, name: Buffer): Buffer {
  // The root may be given with a trailing slash (`/tmp/x/`); do not double it.
  return dir.length > 0 && dir[dir.length - 1] === 0x2f ? Buffer.concat([dir, name]) : Buffer.concat([dir, slash, name]);
}

async function openDirectory(p: Buffer, nested: boolean): Promise<Frame> {
  let dirents: fs.Dirent<Buffer>[];
  try {
    dirents = await readdir(p);
  } catch (err) {
    throw ioError(p, 'readdir', err);
  }
  // Byte-wise, like Nix's std::map<std::string>; Buffer.compare is memcmp.
  dirents.sort((a, b) => Buffer.compare(a.name, b.name));
  return {
    dir: p,
    names: dirents.map((d) => d.name),
    kinds: dirents.map(kindOfStats),
    dirents,
    next: 0,
    ahead: [],
    nested,
  };
}

/**
 * The NAR of `path` as a stream of chunks (Buffers of `chunkSize` bytes, the last one shorter).
 * Throws `NarDumpError` for files a NAR cannot hold or that cannot be read, and the signal's reason
 * when aborted. Stopping the iteration early closes any open files.
 */
export async function* dumpPath(path: string | Buffer, opts: DumpOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const signal = opts.signal;
  const readAhead = Math.max(1, opts.readAhead ?? defaultReadAhead);
  const out = new Output(Math.max(4096, opts.chunkSize ?? defaultChunkSize));
  const root = typeof path === 'string' ? Buffer.from(path) : path;
  const stack: Frame[] = [];
  // Large files are streamed from here; closed in `finally` if the consumer stops early.
  let openFd: number | undefined;

  /** Writes a regular file's node; large files are read straight into the output buffers. */
  async function* regular(p: Buffer, leaf: Extract<Leaf, { kind: 'regular' }>): AsyncGenerator<Buffer> {
    out.put(leaf.executable ? T.executableHead : T.regularHead);
    out.putU64(leaf.size);
    if (leaf.data) {
      out.put(leaf.data);
    } else {
      openFd = leaf.fd;
      let pos = 0;
      while (pos < leaf.size) {
        signal?.throwIfAborted();
        out.ensureSpace();
        const want = Math.min(out.space, leaf.size - pos);
        let n: number;
        try {
          n = await read(leaf.fd, out.buf, out.pos, want, pos);
        } catch (err) {
          throw ioError(p, 'read', err);
        }
        if (n === 0) throw shrank(p, leaf.size, pos);
        out.commit(n);
        pos += n;
        if (out.ready.length) yield* drain();
      }
      openFd = undefined;
      await close(leaf.fd).catch(() => {});
    }
    out.padding(leaf.size);
    out.put(T.close);
  }

  function* drain(): Generator<Buffer> {
    const ready = out.ready;
    out.ready = [];
    yield* ready;
  }

  /** Starts read-ahead so that up to `readAhead` upcoming entries of `f` are in flight. */
  function fillAhead(f: Frame): void {
    while (f.ahead.length < readAhead && f.next + f.ahead.length < f.names.length) {
      const i = f.next + f.ahead.length;
      const pending = loadEntry(childPath(f.dir, f.names[i]!), f.kinds[i]!, f.dirents[i]!);
      // Errors are rethrown when the entry is reached; this only keeps Node from calling them unhandled.
      pending.catch(() => {});
      f.ahead.push(pending);
    }
  }

  try {
    signal?.throwIfAborted();
    out.put(T.magic);
    let rootStat: fs.Stats;
    try {
      rootStat = await lstat(root);
    } catch (err) {
      throw ioError(root, 'lstat', err);
    }
    const rootKind = kindOfStats(rootStat);
    if (rootKind === 'directory') {
      out.put(T.directoryHead);
      stack.push(await openDirectory(root, false));
    } else {
      const leaf = await loadEntry(root, rootKind, rootStat);
      if (leaf.kind === 'regular') yield* regular(root, leaf);
      else if (leaf.kind === 'symlink') {
        out.put(T.symlinkHead);
        out.putString(leaf.target);
        out.put(T.close);
      }
    }

    while (stack.length) {
      signal?.throwIfAborted();
      const f = stack[stack.length - 1]!;
      if (f.next === f.names.length) {
        stack.pop();
        out.put(T.close); // end of directory node
        if (f.nested) out.put(T.close); // end of its `entry (` in the parent
        if (out.ready.length) yield* drain();
        continue;
      }
      fillAhead(f);
      const i = f.next;
      const name = f.names[i]!;
      const pending = f.ahead.shift()!;
      f.next++;
      out.put(T.entryHead);
      out.putString(name);
      out.put(T.node);
      const leaf = await pending;
      const p = childPath(f.dir, name);
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
      if (out.ready.length) yield* drain();
    }

    yield* drain();
    const last = out.finish();
    if (last) yield last;
  } finally {
    if (openFd !== undefined) await close(openFd).catch(() => {});
    for (const f of stack) for (const pending of f.ahead) await discard(pending);
  }
}
