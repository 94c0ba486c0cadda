import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import type { CacheInfo, CacheView, TestResult } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { CacheConfig } from '../../../shared/caches/config';
import { cacheConfigSchema, isHomeRelative, isWritable } from '../../../shared/caches/config';
import { folderPathStyle } from '../../../shared/caches/folder-path';
import { cacheIdentity } from '../../../shared/caches/identity';
import { formatStoreUrl } from '../../../shared/caches/store-url';
import { parseNixCacheInfo, serialiseNixCacheInfo } from '../../../shared/nix/nix-cache-info';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { openStore } from '../stores/open-store';
import type { SavedCache, Settings } from '../settings/settings-store';
import { SettingsStore } from '../settings/settings-store';
import { withFileQueue } from '../util/file-queue';

export const nixStoreDir = '/nix/store';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface CacheServiceOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Called after any change to the saved caches or the selection. */
  onChange?: () => void;
  /** Whose folder paths these are (tests pass win32 to check Windows paths on any machine). */
  platform?: NodeJS.Platform;
}

/** What initialise is asked to set; a field left out keeps what the cache has (or stays unset). */
export interface InitialiseOptions {
  wantMassQuery?: boolean | undefined;
  priority?: number | undefined;
}

/** What a cache of this kind is called in a message. */
const thingOf = (config: CacheConfig): string => ({ s3: 'bucket', file: 'folder', http: 'cache URL' })[config.kind];

const newId = () => `c-${randomBytes(6).toString('hex')}`;

/** Reads and checks a cache's nix-cache-info; throws an ApiError saying what is wrong. */
export async function readCacheInfo(store: CacheStore, signal?: AbortSignal): Promise<CacheInfo> {
  const bytes = await store.get('nix-cache-info', { signal });
  if (!bytes) {
    throw new ApiError('not-a-cache', `${store.description} has no nix-cache-info, so it is not a Nix binary cache (yet). Initialise it to make it one.`);
  }
  let info;
  try {
    info = parseNixCacheInfo(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new ApiError('bad-format', `nix-cache-info of ${store.description}: ${(e as Error).message}`);
  }
  // Like Nix, a missing StoreDir line is accepted; a different one is not.
  if (info.storeDir !== undefined && info.storeDir !== nixStoreDir) {
    throw new ApiError('store-dir-mismatch', `${store.description} is a cache for the store ${info.storeDir}, not ${nixStoreDir}; Nix would refuse to use it.`);
  }
  return {
    storeDir: info.storeDir ?? nixStoreDir,
    ...(info.wantMassQuery !== undefined ? { wantMassQuery: info.wantMassQuery } : {}),
    ...(info.priority !== undefined ? { priority: info.priority } : {}),
  };
}

/**
 * The saved cache connections: add, edit, remove, select, test, initialise. Owns the settings file and
 * one open store per cache (S3 clients are reused; they are rebuilt when a connection is edited).
 *
 * Every change of the settings is a read-modify-write run in the settings file's queue (one per file in
 * the process): it reads the file when its turn comes, so two changes at the same moment, or from two
 * services on one data folder, are both kept.
 */
export class CacheService {
  readonly notices: Notice[] = [];
  private settings!: Settings;
  private readonly file: SettingsStore;
  /** Open stores by cache, with the configuration each was opened for. */
  private readonly stores = new Map<string, { config: string; store: CacheStore }>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: CacheServiceOptions) {
    this.file = new SettingsStore(options.dataDir);
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
  }

  /**
   * Loads the settings; on first start makes the built-in folder cache so the app is usable at once.
   * In the settings file's queue, so two services starting on one fresh data folder make one built-in cache.
   */
  async start(): Promise<void> {
    await withFileQueue(this.file.path, async () => {
      const loaded = await this.file.load();
      if (loaded.movedAside) {
        this.notices.push({
          level: 'error',
          message: `The settings file could not be read (${loaded.movedAside.reason}). It was moved to ${loaded.movedAside.path} and Narwhal started with fresh settings; your saved caches are in that file.`,
        });
      }
      if (loaded.settings) {
        this.settings = loaded.settings;
        return;
      }
      const builtIn: SavedCache = {
        id: newId(),
        name: 'Local cache',
        config: { kind: 'file', path: join(this.options.dataDir, 'local-cache'), settings: [] },
        builtIn: true,
      };
      await this.initialiseStore(openStore(builtIn.config, this.env), { wantMassQuery: true, priority: 30 });
      const settings: Settings = { version: 1, caches: [builtIn], selectedId: builtIn.id };
      await this.file.save(settings);
      this.settings = settings;
    });
  }

  list(): { caches: CacheView[]; selectedId: string | null } {
    return { caches: this.settings.caches.map((c) => this.view(c)), selectedId: this.settings.selectedId };
  }

  get(cacheId: string): SavedCache {
    const found = this.settings.caches.find((c) => c.id === cacheId);
    if (!found) throw new ApiError('not-found', `No saved cache with id ${cacheId}.`);
    return found;
  }

  /**
   * What the cache is, for anything derived from its contents (a listing, an index, a job's subject):
   * it changes when the bucket, endpoint, folder or URL is edited, not when the cache is renamed.
   */
  identityOf(cacheId: string): string {
    return cacheIdentity(this.get(cacheId).config);
  }

  /**
   * The open store of a cache, for its configuration as saved now. A store opened for an earlier
   * configuration is closed and replaced, so a call made while an edit is being saved can never keep
   * the old connection alive after it.
   */
  storeFor(cacheId: string): CacheStore {
    const saved = this.get(cacheId);
    const config = JSON.stringify(saved.config);
    const open = this.stores.get(cacheId);
    if (open?.config === config) return open.store;
    open?.store.close();
    const store = openStore(saved.config, this.env);
    this.stores.set(cacheId, { config, store });
    return store;
  }

  async add(name: string, input: CacheConfig): Promise<CacheView> {
    const config = this.checkConfig(input);
    return this.change((current) => {
      this.refuseDuplicate(current, config);
      const saved: SavedCache = { id: newId(), name, config, builtIn: false };
      return { next: { ...current, caches: [...current.caches, saved], selectedId: current.selectedId ?? saved.id }, result: this.view(saved) };
    });
  }

  async update(cacheId: string, name: string, input: CacheConfig): Promise<CacheView> {
    const config = this.checkConfig(input);
    const { view, moved } = await this.change((current) => {
      const old = current.caches.find((c) => c.id === cacheId);
      if (!old) throw new ApiError('not-found', `No saved cache with id ${cacheId}.`);
      this.refuseDuplicate(current, config, cacheId);
      const saved: SavedCache = { ...old, name, config };
      const result = { view: this.view(saved), moved: JSON.stringify(old.config) !== JSON.stringify(config) };
      return { next: { ...current, caches: current.caches.map((c) => (c.id === cacheId ? saved : c)) }, result };
    });
    // Only now that the new configuration is saved (a store opened meanwhile was for the old one), and
    // only when the connection changed: a rename leaves the open store, and whatever uses it, alone.
    if (moved) this.forgetStore(cacheId);
    return view;
  }

  async remove(cacheId: string): Promise<void> {
    await this.change((current) => {
      if (!current.caches.some((c) => c.id === cacheId)) throw new ApiError('not-found', `No saved cache with id ${cacheId}.`);
      const caches = current.caches.filter((c) => c.id !== cacheId);
      const selectedId = current.selectedId === cacheId ? (caches[0]?.id ?? null) : current.selectedId;
      return { next: { ...current, caches, selectedId }, result: undefined };
    });
    this.forgetStore(cacheId);
  }

  async select(cacheId: string): Promise<void> {
    await this.change((current) => {
      if (!current.caches.some((c) => c.id === cacheId)) throw new ApiError('not-found', `No saved cache with id ${cacheId}.`);
      return { next: { ...current, selectedId: cacheId }, result: undefined };
    });
  }

  /** `signal`: the page stopped waiting (Cancel, another cache chosen), so the request stops too. */
  async test(cacheId: string, signal?: AbortSignal): Promise<TestResult> {
    const store = this.storeFor(cacheId);
    const started = performance.now();
    const elapsedMs = () => Math.round(performance.now() - started);
    try {
      return { status: 'ok', info: await readCacheInfo(store, signal), elapsedMs: elapsedMs() };
    } catch (e) {
      // Every failure we can explain is a result to show; anything else is a bug and propagates.
      if (!(e instanceof ApiError) || signal?.aborted) throw e;
      return { status: 'problem', code: e.code, message: e.message, elapsedMs: elapsedMs() };
    }
  }

  /**
   * Makes the bucket or folder if needed and writes nix-cache-info. On a cache that already has one,
   * only the fields asked for change: the others, StoreDir and lines Narwhal does not know are kept,
   * and WantMassQuery or Priority are never added unless asked (Nix's defaults apply without them).
   */
  async initialise(cacheId: string, options: InitialiseOptions = {}, signal?: AbortSignal): Promise<CacheInfo> {
    const saved = this.get(cacheId);
    if (!isWritable(saved.config)) throw new ApiError('read-only', `${saved.name} is an HTTP cache, which Narwhal can only read.`);
    return this.initialiseStore(this.storeFor(cacheId), options, signal);
  }

  private async initialiseStore(store: CacheStore, asked: InitialiseOptions, signal?: AbortSignal): Promise<CacheInfo> {
    await store.ensureExists({ signal });
    const existing = await store.get('nix-cache-info', { signal });
    const wanted = {
      ...(asked.wantMassQuery !== undefined ? { wantMassQuery: asked.wantMassQuery } : {}),
      ...(asked.priority !== undefined ? { priority: asked.priority } : {}),
    };
    if (!existing) {
      const info = { storeDir: nixStoreDir, ...wanted };
      await store.put('nix-cache-info', serialiseNixCacheInfo(info), contentTypes.cacheInfo, { signal });
      return info;
    }
    let current;
    try {
      current = parseNixCacheInfo(Buffer.from(existing).toString('utf8'));
    } catch (e) {
      throw new ApiError('bad-format', `${store.description} already has a nix-cache-info Narwhal cannot read (${(e as Error).message}); it was left as it is.`);
    }
    // Never turn a cache for another store directory into one for ours: its narinfos would lie.
    if (current.storeDir !== undefined && current.storeDir !== nixStoreDir) {
      throw new ApiError('store-dir-mismatch', `${store.description} already is a cache for ${current.storeDir}; Narwhal will not change its StoreDir.`);
    }
    const next = { ...current, ...wanted };
    // Asked for nothing new: the file stays exactly as it is, line order and all.
    if (next.wantMassQuery !== current.wantMassQuery || next.priority !== current.priority) {
      await store.put('nix-cache-info', serialiseNixCacheInfo(next), contentTypes.cacheInfo, { signal });
    }
    return {
      storeDir: next.storeDir ?? nixStoreDir,
      ...(next.wantMassQuery !== undefined ? { wantMassQuery: next.wantMassQuery } : {}),
      ...(next.priority !== undefined ? { priority: next.priority } : {}),
    };
  }

  /**
   * A configuration as a page sent it, made ready to save: a folder path starting with `~` expanded to
   * the home folder, and checked against this platform's idea of an absolute path.
   */
  private checkConfig(input: CacheConfig): CacheConfig {
    let config = input;
    if (config.kind === 'file' && isHomeRelative(config.path)) {
      const home = (this.platform === 'win32' ? this.env.USERPROFILE : undefined) || this.env.HOME || homedir();
      const path = this.platform === 'win32' ? win32 : posix;
      config = { ...config, path: path.join(home, config.path.slice(1)) };
    }
    if (config.kind === 'file') {
      const style = folderPathStyle(config.path);
      if (this.platform === 'win32' ? style === 'posix' : style !== undefined && style !== 'posix') {
        const example = this.platform === 'win32' ? 'C:\\nix-cache' : '/srv/nix-cache';
        throw new ApiError('invalid-input', `${config.path} is not an absolute path on this computer (${this.platform}); give one like ${example}.`);
      }
    }
    const parsed = cacheConfigSchema.safeParse(config);
    if (!parsed.success) throw new ApiError('invalid-input', parsed.error.issues[0]!.message);
    return parsed.data;
  }

  /** One saved connection per bucket, folder or URL: a second one would only be told apart by its name. */
  private refuseDuplicate(current: Settings, config: CacheConfig, exceptId?: string): void {
    const identity = cacheIdentity(config);
    const twin = current.caches.find((c) => c.id !== exceptId && cacheIdentity(c.config) === identity);
    if (twin) {
      const thing = thingOf(config);
      throw new ApiError('conflict', `This ${thing} is already saved as "${twin.name}".`);
    }
  }

  /** The open store of a connection that changed or went away is closed, not left to leak sockets. */
  private forgetStore(cacheId: string): void {
    this.stores.get(cacheId)?.store.close();
    this.stores.delete(cacheId);
  }

  /**
   * A read-modify-write of the settings in the settings file's queue: `make` sees the settings as the
   * file holds them when its turn comes (another process on the same data folder, such as the CLI or a
   * second `narwhal serve`, may have changed them), and its result is what the caller gets once the
   * file is written.
   */
  private change<T>(make: (current: Settings) => { next: Settings; result: T }): Promise<T> {
    return withFileQueue(this.file.path, async () => {
      const loaded = await this.file.load();
      if (loaded.settings) this.settings = loaded.settings;
      if (loaded.movedAside) {
        this.notices.push({
          level: 'error',
          message: `The settings file had become unreadable (${loaded.movedAside.reason}); it was moved to ${loaded.movedAside.path} and Narwhal wrote its own settings in its place.`,
        });
      }
      const { next, result } = make(this.settings);
      await this.file.save(next);
      this.settings = next;
      this.options.onChange?.();
      return result;
    });
  }

  private view(saved: SavedCache): CacheView {
    return {
      id: saved.id,
      name: saved.name,
      config: saved.config,
      storeUrl: formatStoreUrl(saved.config),
      writable: isWritable(saved.config),
      builtIn: saved.builtIn,
    };
  }
}
