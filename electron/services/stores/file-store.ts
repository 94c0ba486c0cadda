import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { mapConcurrent } from '../util/map-concurrent';
import { processAlive } from '../util/process-alive';
import { abortable } from './abortable-source';
import { defaultReadLimit, readBounded, tooLarge } from './bounded-read';
import type { CacheStore, GetOptions, ListOptions, ObjectInfo, PutBody } from './cache-store';
import { assertSafeKey } from './cache-store';

const pageSize = 1000;
/** What put() names its temporary files: never listed, they are writes in progress. */
const temporaryName = /\.tmp-\d+-[0-9a-f]{8}$/;

/** A cache in a local folder, laid out exactly as `nix copy --to file://DIR` lays it out. */
export class FileStore implements CacheStore {
  readonly writable = true;
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `folder ${root}`;
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    assertSafeKey(key);
    const limit = options.maxBytes ?? defaultReadLimit(key);
    let handle: FileHandle;
    try {
      handle = await open(join(this.root, key), 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        if (key === 'nix-cache-info') await this.assertRootExists();
        return null;
      }
      throw this.mapError(e);
    }
    try {
      if (limit === undefined) return await handle.readFile();
      const { size } = await handle.stat();
      if (size > limit) throw tooLarge(key, this.description, limit, size);
      // At most one byte past the limit (`end` is inclusive): the file may have grown since stat.
      const stream = handle.createReadStream({ start: 0, end: limit, autoClose: false });
      return await readBounded(stream, limit, () => tooLarge(key, this.description, limit), () => stream.destroy());
    } catch (e) {
      throw this.mapError(e);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array> | null> {
    assertSafeKey(key);
    options.signal?.throwIfAborted();
    let handle: FileHandle;
    try {
      handle = await open(join(this.root, key), 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw this.mapError(e);
    }
    // The stream owns the handle (autoClose): reading to the end, an error or an early stop closes it.
    return abortable(handle.createReadStream(), options.signal);
  }

  /** Written to a temporary name and renamed, so a reader never sees half a narinfo or half a NAR. */
  async put(key: string, body: PutBody, _contentType?: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    options.signal?.throwIfAborted();
    const target = join(this.root, key);
    await this.assertRootExists();
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(temporary, 'wx', 0o644);
    try {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        await handle.writeFile(body);
      } else {
        // writeFile on a handle writes the whole chunk at the current position: one after another.
        for await (const chunk of abortable(body, options.signal)) await handle.writeFile(chunk);
      }
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
      if ((e as Error).name === 'AbortError') throw e;
      throw this.mapError(e);
    }
    await handle.close();
    if (options.signal?.aborted) {
      await rm(temporary, { force: true });
      options.signal.throwIfAborted();
    }
    await rename(temporary, target);
  }

  /**
   * A new name in the folder `folder` (a key prefix such as `nar`, created if missing) for a file the
   * caller writes and then hands to adopt(): put()'s kind of temporary name, so listings never show it
   * and a reader never sees it half-written. Writing a big file there directly spares copying it.
   */
  async temporaryFile(folder: string, name: string): Promise<string> {
    assertSafeKey(`${folder}/${name}`);
    await this.assertRootExists();
    const dir = join(this.root, folder);
    await mkdir(dir, { recursive: true }).catch((e: unknown) => Promise.reject(this.mapError(e)));
    return join(dir, `${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  }

  /**
   * Removes the temporary files that killed writers left in `folder` (a key prefix such as `nar`): a
   * SIGKILLed push or copy runs no clean-up, and its half-written NAR may be as big as its path. A file
   * is a leftover when the process its name records (`.tmp-<pid>-…`) is gone and it has not changed for
   * `olderThanMs` (a pid of another pid namespace sharing the folder could look gone). Best effort: a
   * file that cannot be removed stays, listings skip it anyway. Returns how many were removed.
   */
  async sweepTemporaryFiles(folder: string, options: { olderThanMs?: number } = {}): Promise<number> {
    assertSafeKey(folder);
    const olderThanMs = options.olderThanMs ?? 60_000;
    const dir = join(this.root, folder);
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      if (!temporaryName.test(name)) continue;
      const pid = Number(/\.tmp-(\d+)-[0-9a-f]{8}$/.exec(name)?.[1]);
      if (!pid || pid === process.pid || processAlive(pid)) continue;
      const file = join(dir, name);
      const changed = await stat(file).then((s) => s.mtimeMs, () => undefined);
      if (changed === undefined || Date.now() - changed < olderThanMs) continue;
      if (await rm(file).then(() => true, () => false)) removed += 1;
    }
    return removed;
  }

  /** Whether `file` is a name temporaryFile() gave out (in this folder, a temporary name). */
  holdsTemporary(file: string): boolean {
    const rel = relative(this.root, file);
    return !rel.startsWith('..') && !rel.startsWith(sep) && temporaryName.test(file);
  }

  /**
   * Makes `file`, a temporaryFile() that the caller wrote and closed, the object `key`: fsynced, then
   * renamed, as put() does, so a reader sees either nothing or the whole file, and a push killed before
   * the rename leaves only a temporary name, which listings skip. The fsync runs here, in the thread
   * pool, rather than in the compression worker that wrote the file: that worker is free for the next
   * NAR while the disk catches up (1-2 ms a NAR here, 40 NARs a push).
   */
  async adopt(file: string, key: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    if (!this.holdsTemporary(file)) throw new Error(`${file} is not a temporary file of ${this.description}`);
    const target = join(this.root, key);
    try {
      options.signal?.throwIfAborted();
      const handle = await open(file, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(file, target);
    } catch (e) {
      await rm(file, { force: true });
      if ((e as Error).name === 'AbortError') throw e;
      throw this.mapError(e);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    try {
      const info = await stat(join(this.root, key));
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw this.mapError(e);
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    try {
      await rm(join(this.root, key), { force: true });
    } catch (e) {
      throw this.mapError(e);
    }
  }

  async deleteMany(keys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    keys.forEach(assertSafeKey);
    for (const key of keys) {
      options.signal?.throwIfAborted();
      await this.delete(key);
    }
  }

  async *list(options: ListOptions = {}): AsyncIterable<ObjectInfo[]> {
    const prefix = options.prefix ?? '';
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    let keys: string[];
    try {
      await this.assertRootExists();
      const start = join(this.root, folder);
      const entries = await readdir(start, { withFileTypes: true, recursive: options.delimiter !== '/' }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
        throw e;
      });
      keys = entries
        .filter((entry) => entry.isFile() && !temporaryName.test(entry.name))
        .map((entry) => folder + relative(start, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .filter((key) => key.startsWith(prefix))
        .sort();
    } catch (e) {
      throw this.mapError(e);
    }
    for (let i = 0; i < keys.length; i += pageSize) {
      options.signal?.throwIfAborted();
      const page = await mapConcurrent(keys.slice(i, i + pageSize), 32, async (key): Promise<ObjectInfo | null> => {
        const info = await stat(join(this.root, key)).catch(() => null);
        return info ? { key, size: info.size, lastModified: info.mtime } : null;
      });
      yield page.filter((entry): entry is ObjectInfo => entry !== null);
    }
  }

  async *listTopLevel(options: { signal?: AbortSignal } = {}): AsyncIterable<string[]> {
    let names: string[];
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      names = entries.filter((entry) => entry.isFile() && !temporaryName.test(entry.name)).map((entry) => entry.name).sort();
    } catch (e) {
      throw this.mapError(e);
    }
    for (let i = 0; i < names.length; i += pageSize) {
      options.signal?.throwIfAborted();
      yield names.slice(i, i + pageSize);
    }
  }

  async ensureExists(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  /**
   * Opening the folder fails as reading it would (missing, not a folder, no permission) without
   * reading its entries: put() checks this on every write, and listing 100 000 narinfos per write
   * made signing or pushing to a big folder cache quadratic.
   */
  private async assertRootExists(): Promise<void> {
    try {
      await (await opendir(this.root)).close();
    } catch (e) {
      throw this.mapError(e);
    }
  }

  private mapError(e: unknown): Error {
    if (e instanceof ApiError) return e;
    const err = e as NodeJS.ErrnoException;
    switch (err.code) {
      case 'ENOENT':
        return new ApiError('not-found', `The folder ${this.root} does not exist.`);
      case 'ENOTDIR':
        return new ApiError('not-found', `${this.root} is not a folder.`);
      case 'EACCES':
      case 'EPERM':
        return new ApiError('access-denied', `No permission to use ${err.path ?? this.root}.`);
      default:
        return e instanceof Error ? e : new Error(String(e));
    }
  }

  close(): void {
    // Nothing held open.
  }
}
