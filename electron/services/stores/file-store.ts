import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { CacheStore } from './cache-store';
import { assertSafeKey } from './cache-store';

const pageSize = 1000;

/** A cache in a local folder, laid out exactly as `nix copy --to file://DIR` lays it out. */
export class FileStore implements CacheStore {
  readonly writable = true;
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `folder ${root}`;
  }

  async get(key: string): Promise<Uint8Array | null> {
    assertSafeKey(key);
    try {
      return await readFile(join(this.root, key));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        if (key === 'nix-cache-info') await this.assertRootExists();
        return null;
      }
      throw this.mapError(e);
    }
  }

  /** Written to a temporary name and renamed, so a reader never sees half a narinfo. */
  async put(key: string, body: Uint8Array | string): Promise<void> {
    assertSafeKey(key);
    const target = join(this.root, key);
    await this.assertRootExists();
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } catch (e) {
      await handle.close();
      await rm(temporary, { force: true });
      throw this.mapError(e);
    }
    await handle.close();
    await rename(temporary, target);
  }

  async *listTopLevel(options: { signal?: AbortSignal } = {}): AsyncIterable<string[]> {
    let names: string[];
    try {
      const entries = await readdir(this.root, { withFileTypes: true });
      names = entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
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

  private async assertRootExists(): Promise<void> {
    try {
      await readdir(this.root);
    } catch (e) {
      throw this.mapError(e);
    }
  }

  private mapError(e: unknown): Error {
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
