/**
 * A streaming, pull-based NAR parser.
 *
 * `readNar(source)` returns an async iterator of entries in archive order: `directory` (start),
 * `regular` (with its contents available as a stream while it is the current entry), `symlink`, and
 * `directory-end`. Listing, extraction and hashing all consume the same iterator, so the rules below
 * are enforced once.
 *
 * It rejects everything Nix's parser (libutil/archive.cc) rejects: bad magic, unexpected tokens,
 * unknown node types, a non-empty executable marker, empty names, `.`, `..`, names containing `/` or
 * NUL, unsorted or duplicate entries, non-zero padding and truncation. (Nix 2.8 itself accepts
 * unsorted entries and only trips over duplicates when creating the files; current Nix rejects both.)
 * It also rejects data after the archive (unless `allowTrailingData`), which Nix ignores, because
 * NarHash/NarSize cover exactly the archive's bytes and anything after them is a sign of a mix-up.
 *
 * The name and target limits are Linux's NAME_MAX and PATH_MAX, so no NAR dumped on Linux exceeds
 * them; a NAR made on macOS could in principle hold longer UTF-8 names (raise `maxNameLength`).
 *
 * Hostile input must not exhaust memory: every length is checked against a limit before anything is
 * allocated (tokens are at most a few bytes, names 255, symlink targets 4096), nesting is limited to
 * 64 levels, and file contents are never buffered: they are handed out as views of the input chunks.
 * So the parser holds at most one input chunk, one token and 64 previous names at a time.
 */
import {
  type NarPath,
  concatBytes,
  displayName,
  displayNarPath,
  narMagic,
  padLength,
} from './nar-format';
import { bytesEqual, compareBytes } from '../../../shared/nix/bytes';

export class NarError extends Error {
  override name = 'NarError';
  /**
   * @param offset byte offset in the NAR where the problem is (start of the offending token, or the
   *   offending padding byte, or the end of input when it was truncated)
   * @param narPath path inside the NAR, `/` for the root
   * @param reason what is wrong
   */
  constructor(
    readonly offset: number,
    readonly narPath: string,
    readonly reason: string,
  ) {
    super(`NAR byte ${offset}, in ${narPath}: ${reason}`);
  }
}

export interface NarLimits {
  /** Deepest allowed node, counted in names from the root (Nix's limit: 64). */
  maxDepth: number;
  /** Longest allowed entry name in bytes (NAME_MAX on Linux and macOS). */
  maxNameLength: number;
  /** Longest allowed symlink target in bytes (PATH_MAX on Linux). */
  maxTargetLength: number;
}

export const defaultNarLimits: Readonly<NarLimits> = Object.freeze({
  maxDepth: 64,
  maxNameLength: 255,
  maxTargetLength: 4096,
});

export interface NarReadOptions extends Partial<NarLimits> {
  signal?: AbortSignal;
  /**
   * Stop at the end of the archive without checking that the input ends there (e.g. a NAR embedded in
   * a larger stream). Off by default: a NAR file with anything after it is rejected.
   */
  allowTrailingData?: boolean;
}

/** Input: a Node Readable, an async generator, or anything async-iterable yielding bytes. */
export type NarSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

interface EntryBase {
  /** Names from the root down to this node; empty for the root. */
  path: NarPath;
  /** The last name of `path`, or null for the root. */
  name: Uint8Array | null;
  /** Byte offset in the NAR where the node starts (its `(` token). */
  offset: number;
}

export interface NarDirectoryEntry extends EntryBase {
  type: 'directory';
}

export interface NarDirectoryEndEntry extends EntryBase {
  type: 'directory-end';
}

export interface NarSymlinkEntry extends EntryBase {
  type: 'symlink';
  /** The target's bytes as stored (not necessarily UTF-8; may be relative or absolute). */
  target: Uint8Array;
}

export interface NarRegularEntry extends EntryBase {
  type: 'regular';
  executable: boolean;
  size: number;
  /** Byte offset of the first content byte in the NAR (the `.ls` listing's `narOffset`). */
  contentsOffset: number;
  /**
   * The file's bytes, in chunks that are views of the input (no copy; do not modify them). Only
   * readable while this is the current entry: asking the reader for the next entry skips whatever was
   * not read. Iterating a second time continues where the first stopped.
   */
  contents(): AsyncIterable<Uint8Array>;
}

export type NarEntry = NarDirectoryEntry | NarDirectoryEndEntry | NarSymlinkEntry | NarRegularEntry;

// ---------------------------------------------------------------------------------------------

const EMPTY = new Uint8Array(0);

/** Longest string shown in an "expected X, got Y" message; longer ones are described by length. */
const maxShownTag = 64;

/** Largest content chunk handed out, so a consumer never gets one unboundedly large view. */
const maxContentChunk = 1 << 20;

/** Pulls bytes from the source on demand and tracks the absolute offset. */
class ByteSource {
  private readonly it: Iterator<Uint8Array> | AsyncIterator<Uint8Array>;
  /** Current chunk and read position in it; the parser's fast paths read them directly. */
  buf: Uint8Array = EMPTY;
  pos = 0;
  private ended = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;

  constructor(
    source: NarSource,
    private readonly signal: AbortSignal | undefined,
    private readonly onEnd: (offset: number) => never,
  ) {
    this.it =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** Makes at least one byte available; false at end of input. */
  async fill(): Promise<boolean> {
    while (this.pos >= this.buf.length) {
      if (this.ended) return false;
      this.signal?.throwIfAborted();
      const r = await this.it.next();
      this.signal?.throwIfAborted();
      if (r.done) {
        this.ended = true;
        return false;
      }
      const chunk = r.value as unknown;
      if (!(chunk instanceof Uint8Array)) {
        throw new TypeError(`NAR source yielded ${typeof chunk}, expected Uint8Array chunks`);
      }
      this.buf = chunk;
      this.pos = 0;
    }
    return true;
  }

  /** Exactly `n` bytes (n is always small and bounded by a limit here). */
  async read(n: number): Promise<Uint8Array> {
    if (this.buffered >= n) {
      const out = this.buf.subarray(this.pos, this.pos + n);
      this.pos += n;
      this.offset += n;
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) this.onEnd(this.offset);
      const take = Math.min(n - got, this.buffered);
      out.set(this.buf.subarray(this.pos, this.pos + take), got);
      this.pos += take;
      this.offset += take;
      got += take;
    }
    return out;
  }

  /** Makes at least one byte available, or fails: the input ended early. */
  async need(): Promise<void> {
    if (this.buffered === 0 && !(await this.fill())) this.onEnd(this.offset);
  }

  /** Between 1 and `max` bytes, as a view of the current input chunk. */
  async readSome(max: number): Promise<Uint8Array> {
    if (this.buffered === 0 && !(await this.fill())) this.onEnd(this.offset);
    const take = Math.min(max, this.buffered);
    const out = this.buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    this.offset += take;
    return out;
  }

  /** Consumes `n` bytes that the caller has checked are buffered. */
  advance(n: number): void {
    this.pos += n;
    this.offset += n;
  }

  /** True when the input has no more bytes (pulls from the source to find out). */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Lets the source clean up (e.g. close a file) when parsing stops early. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

const tags = {
  magic: ascii(narMagic),
  open: ascii('('),
  close: ascii(')'),
  type: ascii('type'),
  regular: ascii('regular'),
  directory: ascii('directory'),
  symlink: ascii('symlink'),
  executable: ascii('executable'),
  contents: ascii('contents'),
  target: ascii('target'),
  entry: ascii('entry'),
  name: ascii('name'),
  node: ascii('node'),
} as const;

type Tag = keyof typeof tags;

const maxTagLength = Math.max(...Object.values(tags).map((t) => t.length));

/** Quotes a token for a message without dumping arbitrary binary: `"type"`. */
function showToken(bytes: Uint8Array): string {
  return `"${displayName(bytes)}"`;
}

function alternatives(expected: readonly Tag[]): string {
  return expected.map((t) => showToken(tags[t])).join(' or ');
}

interface DirFrame {
  path: NarPath;
  prev: Uint8Array | null;
}

class Parser {
  private readonly src: ByteSource;
  private readonly limits: NarLimits;
  /** Path of the node being parsed, for messages. */
  private where: NarPath = [];

  constructor(
    source: NarSource,
    private readonly opts: NarReadOptions,
  ) {
    this.limits = {
      maxDepth: opts.maxDepth ?? defaultNarLimits.maxDepth,
      maxNameLength: opts.maxNameLength ?? defaultNarLimits.maxNameLength,
      maxTargetLength: opts.maxTargetLength ?? defaultNarLimits.maxTargetLength,
    };
    this.src = new ByteSource(source, opts.signal, (offset) =>
      this.fail(offset, 'unexpected end of input (the NAR is truncated)'),
    );
  }

  fail(offset: number, reason: string): never {
    throw new NarError(offset, displayNarPath(this.where), reason);
  }

  // Fast paths. Most tokens lie wholly inside the current input chunk; reading them in place,
  // synchronously, avoids an async call and a subarray per token (which otherwise dominate the
  // time for NARs of many small files). They only handle the well-formed case: anything else
  // returns undefined and the async path below reads it again and produces the precise error.

  /** The u64 at the read position, consumed, if buffered and sane. */
  private lengthNow(): number | undefined {
    const { buf, pos } = this.src;
    if (buf.length - pos < 8) return undefined;
    const hi = buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24);
    if (hi < 0 || hi > 0x1fffff) return undefined;
    const lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
    this.src.advance(8);
    return hi * 2 ** 32 + lo;
  }

  /** Length of the whole token at the read position (u64, bytes, padding) if it is buffered, of at most `max` bytes. */
  private tokenNow(max: number): number | undefined {
    const { buf, pos } = this.src;
    if (buf.length - pos < 8) return undefined;
    const len = buf[pos]!;
    if (len > max) return undefined;
    for (let i = 1; i < 8; i++) if (buf[pos + i] !== 0) return undefined;
    const end = pos + 8 + len + padLength(len);
    if (end > buf.length) return undefined;
    for (let i = pos + 8 + len; i < end; i++) if (buf[i] !== 0) return undefined;
    return len;
  }

  /** The tag at the read position, consumed, if it is buffered and one of `expected`. */
  private tagNow<T extends Tag>(expected: readonly T[]): T | undefined {
    const len = this.tokenNow(maxTagLength);
    if (len === undefined) return undefined;
    const { buf, pos } = this.src;
    for (const t of expected) {
      const tag = tags[t];
      if (tag.length !== len) continue;
      let i = 0;
      while (i < len && buf[pos + 8 + i] === tag[i]) i++;
      if (i === len) {
        this.src.advance(8 + len + padLength(len));
        return t;
      }
    }
    return undefined;
  }

  /** Consumes the zero padding after `len` bytes if it is buffered and zero. */
  private paddingNow(len: number): boolean {
    const pad = padLength(len);
    const { buf, pos } = this.src;
    if (buf.length - pos < pad) return false;
    for (let i = pos; i < pos + pad; i++) if (buf[i] !== 0) return false;
    this.src.advance(pad);
    return true;
  }

  /** A tag, read in place when possible. */
  private tag<T extends Tag>(expected: readonly T[]): T | Promise<T> {
    return this.tagNow(expected) ?? this.readTag(expected);
  }

  /** A short string (name, target), copied out, read in place when possible. */
  private stringNow(max: number): Uint8Array | undefined {
    const len = this.tokenNow(Math.min(max, 255));
    if (len === undefined) return undefined;
    const { buf, pos } = this.src;
    const bytes = buf.slice(pos + 8, pos + 8 + len);
    this.src.advance(8 + len + padLength(len));
    return bytes;
  }

  /** A u64 length. Values above 2^53 cannot be real (and would lose precision), so they fail here. */
  private async readLength(): Promise<number> {
    const start = this.src.offset;
    const b = await this.src.read(8);
    const lo = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
    const hi = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
    if (hi > 0x1fffff) this.fail(start, `length ${(BigInt(hi) << 32n) | BigInt(lo)} is too large`);
    return hi * 2 ** 32 + lo;
  }

  private async readPadding(len: number): Promise<void> {
    const pad = padLength(len);
    if (pad === 0) return;
    const start = this.src.offset;
    const p = await this.src.read(pad);
    for (let i = 0; i < pad; i++) {
      if (p[i] !== 0) this.fail(start + i, 'non-zero padding byte');
    }
  }

  /** A string of at most `max` bytes; `tooLong` describes the error when the declared length exceeds it. */
  private async readString(max: number, tooLong: (len: number) => string): Promise<Uint8Array> {
    const start = this.src.offset;
    const len = await this.readLength();
    if (len > max) this.fail(start, tooLong(len));
    // Copy: the view would otherwise pin the whole input chunk while this string is kept (names).
    const bytes = len === 0 ? EMPTY : (await this.src.read(len)).slice();
    await this.readPadding(len);
    return bytes;
  }

  /** Reads a token that must be one of `expected`; returns which one. */
  private async readTag<T extends Tag>(expected: readonly T[]): Promise<T> {
    const start = this.src.offset;
    const len = await this.readLength();
    let longest = 0;
    for (const t of expected) longest = Math.max(longest, tags[t].length);
    if (len > longest) {
      // Show short unexpected strings; describe long ones without reading them.
      if (len <= maxShownTag) {
        const got = await this.src.read(len);
        this.fail(start, `expected ${alternatives(expected)}, got ${showToken(got)}`);
      }
      this.fail(start, `expected ${alternatives(expected)}, got a ${len}-byte string`);
    }
    const got = await this.src.read(len);
    for (const t of expected) {
      if (bytesEqual(got, tags[t])) {
        await this.readPadding(len);
        return t;
      }
    }
    this.fail(start, `expected ${alternatives(expected)}, got ${showToken(got)}`);
  }

  private expect(tag: Tag): Tag | Promise<Tag> {
    return this.tag([tag]);
  }

  async *entries(): AsyncGenerator<NarEntry, void, undefined> {
    try {
      yield* this.parse();
    } finally {
      await this.src.close();
    }
  }

  private async *parse(): AsyncGenerator<NarEntry, void, undefined> {
    const src = this.src;
    {
      // Not readLength: any other length, however absurd, just means "not a NAR".
      const b = await src.read(8);
      const isMagicLength = b[0] === tags.magic.length && b.subarray(1).every((x) => x === 0);
      const got = isMagicLength ? await src.read(tags.magic.length) : null;
      if (!got || !bytesEqual(got, tags.magic)) this.fail(0, `not a NAR (bad magic; expected "${narMagic}")`);
      await this.readPadding(tags.magic.length);
    }

    const stack: DirFrame[] = [];
    let path: NarPath = [];

    for (;;) {
      // Parse the node at `path`.
      this.where = path;
      const offset = src.offset;
      const name = path.length ? path[path.length - 1]! : null;
      await this.expect('open');
      await this.expect('type');
      const type = this.tagNow(['regular', 'directory', 'symlink']) ?? (await this.readTypeTag());
      let nodeDone: boolean;

      if (type === 'regular') {
        let executable = false;
        if ((await this.tag(['executable', 'contents'])) === 'executable') {
          const markerAt = src.offset;
          const len = this.lengthNow() ?? (await this.readLength());
          if (len !== 0) this.fail(markerAt, 'executable marker has a non-empty value');
          executable = true;
          await this.expect('contents');
        }
        const size = this.lengthNow() ?? (await this.readLength());
        const contentsOffset = src.offset;
        let remaining = size;
        let current = true;
        const moved = () => new Error('NAR file contents read after moving to the next entry');
        const nextChunk = async () => {
          this.where = path;
          const chunk = await src.readSome(Math.min(remaining, maxContentChunk));
          remaining -= chunk.length;
          return chunk;
        };
        const entry: NarRegularEntry = {
          type: 'regular',
          path,
          name,
          offset,
          executable,
          size,
          contentsOffset,
          contents: () => ({
            async *[Symbol.asyncIterator]() {
              // Checked on every step, not only while remaining > 0: the skipped bytes are gone,
              // and returning nothing would look like an empty file.
              if (!current) throw moved();
              while (remaining > 0) {
                if (!current) throw moved();
                yield await nextChunk();
              }
            },
          }),
        };
        yield entry;
        current = false;
        this.where = path;
        while (remaining > 0) {
          const n = Math.min(remaining, src.buffered);
          if (n > 0) src.advance(n);
          else await src.need();
          remaining -= n;
        }
        if (!this.paddingNow(size)) await this.readPadding(size);
        await this.expect('close');
        nodeDone = true;
      } else if (type === 'symlink') {
        await this.expect('target');
        const target = await this.readString(
          this.limits.maxTargetLength,
          (len) => `symlink target of ${len} bytes is longer than the limit of ${this.limits.maxTargetLength}`,
        );
        await this.expect('close');
        yield { type: 'symlink', path, name, offset, target };
        nodeDone = true;
      } else {
        yield { type: 'directory', path, name, offset };
        stack.push({ path, prev: null });
        nodeDone = false;
      }

      // Find the next node: the next entry of the innermost open directory, closing finished ones.
      for (;;) {
        if (nodeDone) {
          if (path.length === 0) break; // the root is complete
          // A leaf or a whole directory is done: close its `entry (` in the parent.
          this.where = stack[stack.length - 1]!.path;
          await this.expect('close');
          nodeDone = false;
        }
        const frame = stack[stack.length - 1]!;
        this.where = frame.path;
        const entryAt = src.offset;
        const tag = await this.tag(['entry', 'close']);
        if (tag === 'close') {
          stack.pop();
          path = frame.path;
          yield {
            type: 'directory-end',
            path,
            name: path.length ? path[path.length - 1]! : null,
            offset: entryAt,
          };
          nodeDone = true;
          continue;
        }
        await this.expect('open');
        await this.expect('name');
        const nameAt = src.offset;
        const maxName = this.limits.maxNameLength;
        const entryName =
          this.stringNow(maxName) ??
          (await this.readString(maxName, (len) => `entry name of ${len} bytes is longer than the limit of ${maxName}`));
        this.checkName(entryName, nameAt);
        if (frame.prev) {
          const c = compareBytes(entryName, frame.prev);
          if (c === 0) this.fail(nameAt, `duplicate entry ${showToken(entryName)}`);
          if (c < 0) {
            this.fail(nameAt, `entry names not sorted (${showToken(entryName)} after ${showToken(frame.prev)})`);
          }
        }
        frame.prev = entryName;
        if (frame.path.length + 1 > this.limits.maxDepth) {
          this.fail(nameAt, `directories nested deeper than ${this.limits.maxDepth} levels`);
        }
        await this.expect('node');
        path = [...frame.path, entryName];
        break;
      }
      if (nodeDone && path.length === 0) break;
    }

    if (!this.opts.allowTrailingData && !(await src.atEnd())) {
      this.where = [];
      this.fail(src.offset, 'unexpected data after the end of the archive');
    }
  }

  private async readTypeTag(): Promise<'regular' | 'directory' | 'symlink'> {
    const start = this.src.offset;
    const len = await this.readLength();
    if (len > maxShownTag) this.fail(start, `unknown node type (a ${len}-byte string)`);
    const got = await this.src.read(len);
    for (const t of ['regular', 'directory', 'symlink'] as const) {
      if (bytesEqual(got, tags[t])) {
        await this.readPadding(len);
        return t;
      }
    }
    this.fail(start, `unknown node type ${showToken(got)}`);
  }

  private checkName(name: Uint8Array, at: number): void {
    if (name.length === 0) this.fail(at, 'empty entry name');
    if (name.length === 1 && name[0] === 0x2e) this.fail(at, 'invalid entry name "."');
    if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e) this.fail(at, 'invalid entry name ".."');
    if (name.includes(0x2f)) this.fail(at, `invalid entry name ${showToken(name)} (contains "/")`);
    if (name.includes(0)) this.fail(at, `invalid entry name ${showToken(name)} (contains a NUL byte)`);
  }
}

/**
 * Parses a NAR from `source`, one entry at a time. Errors in the archive throw `NarError`; an abort
 * through `opts.signal` throws the signal's reason. Breaking out of the loop closes the source.
 */
export function readNar(source: NarSource, opts: NarReadOptions = {}): AsyncGenerator<NarEntry, void, undefined> {
  return new Parser(source, opts).entries();
}

/** Reads a whole NAR, discarding file contents. Rejects exactly when readNar would. */
export async function validateNar(source: NarSource, opts: NarReadOptions = {}): Promise<void> {
  for await (const _ of readNar(source, opts)) {
    // Walking the entries is the validation.
  }
}

/** Collects a regular file's contents; for small files and tests (refuses above `maxBytes`). */
export async function readContents(entry: NarRegularEntry, maxBytes = 64 << 20): Promise<Uint8Array> {
  if (entry.size > maxBytes) throw new RangeError(`file of ${entry.size} bytes exceeds ${maxBytes}`);
  const parts: Uint8Array[] = [];
  for await (const chunk of entry.contents()) parts.push(chunk);
  return concatBytes(...parts);
}
