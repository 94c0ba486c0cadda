import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { CacheInfo, CacheView, TestResult } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { CacheConfig } from '../../../shared/caches/config';
import { isWritable } from '../../../shared/caches/config';
import { formatStoreUrl } from '../../../shared/caches/store-url';
import { parseNixCacheInfo, serialiseNixCacheInfo } from '../../../shared/nix/nix-cache-info';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { openStore } from '../stores/open-store';
import type { SavedCache, Settings } from '../settings/settings-store';
import { SettingsStore } from '../settings/settings-store';

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
}

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
 */
export class CacheService {
  readonly notices: Notice[] = [];
  private settings!: Settings;
  private readonly file: SettingsStore;
  private readonly stores = new Map<string, CacheStore>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: CacheServiceOptions) {
    this.file = new SettingsStore(options.dataDir);
    this.env = options.env ?? process.env;
  }

  /** Loads the settings; on first start makes the built-in folder cache so the app is usable at once. */
  async start(): Promise<void> {
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
    this.settings = { version: 1, caches: [builtIn], selectedId: builtIn.id };
    await this.initialiseStore(openStore(builtIn.config, this.env), { wantMassQuery: true, priority: 30 });
    await this.file.save(this.settings);
  }

  list(): { caches: CacheView[]; selectedId: string | null } {
    return { caches: this.settings.caches.map((c) => this.view(c)), selectedId: this.settings.selectedId };
  }

  get(cacheId: string): SavedCache {
    const found = this.settings.caches.find((c) => c.id === cacheId);
    if (!found) throw new ApiError('not-found', `No saved cache with id ${cacheId}.`);
    return found;
  }

  storeFor(cacheId: string): CacheStore {
    const saved = this.get(cacheId);
    let store = this.stores.get(cacheId);
    if (!store) {
      store = openStore(saved.config, this.env);
      this.stores.set(cacheId, store);
    }
    return store;
  }

  async add(name: string, config: CacheConfig): Promise<CacheView> {
    const saved: SavedCache = { id: newId(), name, config, builtIn: false };
    await this.commit({ ...this.settings, caches: [...this.settings.caches, saved], selectedId: this.settings.selectedId ?? saved.id });
    return this.view(saved);
  }

  async update(cacheId: string, name: string, config: CacheConfig): Promise<CacheView> {
    const old = this.get(cacheId);
    const saved: SavedCache = { ...old, name, config };
    this.forgetStore(cacheId);
    await this.commit({ ...this.settings, caches: this.settings.caches.map((c) => (c.id === cacheId ? saved : c)) });
    return this.view(saved);
  }

  async remove(cacheId: string): Promise<void> {
    this.get(cacheId);
    this.forgetStore(cacheId);
    const caches = this.settings.caches.filter((c) => c.id !== cacheId);
    const selectedId = this.settings.selectedId === cacheId ? (caches[0]?.id ?? null) : this.settings.selectedId;
    await this.commit({ ...this.settings, caches, selectedId });
  }

  async select(cacheId: string): Promise<void> {
    this.get(cacheId);
    await this.commit({ ...this.settings, selectedId: cacheId });
  }

  async test(cacheId: string): Promise<TestResult> {
    const store = this.storeFor(cacheId);
    const started = performance.now();
    const elapsedMs = () => Math.round(performance.now() - started);
    try {
      return { status: 'ok', info: await readCacheInfo(store), elapsedMs: elapsedMs() };
    } catch (e) {
      // Every failure we can explain is a result to show; anything else is a bug and propagates.
      if (!(e instanceof ApiError)) throw e;
      return { status: 'problem', code: e.code, message: e.message, elapsedMs: elapsedMs() };
    }
  }

  async initialise(cacheId: string, options: { wantMassQuery: boolean; priority: number }): Promise<CacheInfo> {
    const saved = this.get(cacheId);
    if (!isWritable(saved.config)) throw new ApiError('read-only', `${saved.name} is an HTTP cache, which Narwhal can only read.`);
    return this.initialiseStore(this.storeFor(cacheId), options);
  }

  private async initialiseStore(store: CacheStore, options: { wantMassQuery: boolean; priority: number }): Promise<CacheInfo> {
    await store.ensureExists();
    const existing = await store.get('nix-cache-info');
    if (existing) {
      // Never turn a cache for another store directory into one for ours: its narinfos would lie.
      const current = parseNixCacheInfo(Buffer.from(existing).toString('utf8'));
      if (current.storeDir !== undefined && current.storeDir !== nixStoreDir) {
        throw new ApiError('store-dir-mismatch', `${store.description} already is a cache for ${current.storeDir}; Narwhal will not change its StoreDir.`);
      }
    }
    const info: CacheInfo = { storeDir: nixStoreDir, wantMassQuery: options.wantMassQuery, priority: options.priority };
    await store.put('nix-cache-info', serialiseNixCacheInfo({ ...info, unknown: [] }), contentTypes.cacheInfo);
    return info;
  }

  /** The open store of a connection that changed or went away is closed, not left to leak sockets. */
  private forgetStore(cacheId: string): void {
    this.stores.get(cacheId)?.close();
    this.stores.delete(cacheId);
  }

  private async commit(next: Settings): Promise<void> {
    await this.file.save(next);
    this.settings = next;
    this.options.onChange?.();
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
