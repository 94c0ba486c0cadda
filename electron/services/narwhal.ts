import packageJson from '../../package.json' with { type: 'json' };
import type { ImplOf } from '../../shared/api/define';
import type { NarwhalContract, NarwhalEvents } from '../../shared/api/contract';
import { contract, events, maxSignFailuresListed } from '../../shared/api/contract';
import type { ApiServer } from '../../shared/api/server';
import { createApiServer } from '../../shared/api/server';
import { ApiError } from '../../shared/api/errors';
import { discoverProfiles } from './aws/profiles';
import { cacheIdentity } from '../../shared/caches/identity';
import { describeConfig, isWritable } from '../../shared/caches/config';
import { cacheHashes, forEachPathPage, resolveNames } from './browse/list-paths';
import { Listings } from './browse/listings';
import { narApi } from './nar-browse/nar-api';
import { IndexRegistry } from './index/index-registry';
import { pathApi } from './path/path-api';
import { refreshIndex } from './index/refresh';
import { JobRegistry } from './jobs/job-registry';
import { openStore } from './stores/open-store';
import { LocalStore } from './local-store/local-store';
import { copyClosure } from './copy/copy';
import { pushClosure } from './push/push';
import { sweepIncompleteUploads, sweepNote } from './push/sweep-multipart';
import { formatPublicKey, parsePublicKey } from '../../shared/nix/keys';
import { parseStorePath } from '../../shared/nix/store-path';
import { writeNarListingSetting } from '../../shared/push/nar-listing-setting';
import { CacheService } from './caches/cache-service';
import { ensureCacheInfo } from './push/ensure-cache-info';
import { checkSignRequest, signClosure } from './sign/sign-closure';
import { KeyStore } from './keys/key-store';
import type { SecretBox } from './keys/secret-box';
import { plainFileBox } from './keys/secret-box';
import { readTrustedKeys } from './keys/trusted-keys';
import { makeSnippets, substituteLines } from '../../shared/keys/snippets';
import { policyApi } from './policy/policy-api';
import { bucketApi } from './bucket/bucket-api';

export interface NarwhalOptions {
  dataDir: string;
  shell: 'electron' | 'browser';
  env?: NodeJS.ProcessEnv;
  /** How secret keys are sealed at rest; plain 0600 files unless the Electron glue passes safeStorage. */
  secretBox?: SecretBox;
  /** Where errors that are bugs (not a user's bad input) get logged. */
  log?: (message: string) => void;
}

export interface Narwhal {
  server: ApiServer<NarwhalEvents>;
  caches: CacheService;
  keys: KeyStore;
  jobs: JobRegistry;
}

/**
 * The main-process services behind the API, as one object both shells (and tests) start the same way.
 * Each method here only adapts a service to its contract entry; the work lives in the services.
 */
export async function startNarwhal(options: NarwhalOptions): Promise<Narwhal> {
  const env = options.env ?? process.env;
  // `server` is made below from `impl`, which needs `caches`; the callback runs only after both exist.
  const caches = new CacheService({ dataDir: options.dataDir, env, onChange: () => server.emit('caches.changed', {}) });
  await caches.start();
  const keys = new KeyStore(options.dataDir, options.secretBox ?? plainFileBox);
  const listings = new Listings();
  const indexes = new IndexRegistry(options.dataDir, (notice) => options.log?.(notice));
  const localStore = new LocalStore({ env, home: env.HOME });

  const jobs = new JobRegistry({
    onUpdate: (view) => server.emit('jobs.updated', view),
    onForget: (view) => listings.forget(view.id),
    log: options.log,
  });

  const impl: ImplOf<NarwhalContract> = {
    app: {
      info: async () => ({ version: packageJson.version, shell: options.shell, dataDir: options.dataDir, notices: caches.notices }),
    },
    caches: {
      list: async () => caches.list(),
      add: ({ name, config }) => caches.add(name, config),
      update: ({ cacheId, name, config }) => caches.update(cacheId, name, config),
      remove: ({ cacheId }) => caches.remove(cacheId),
      select: ({ cacheId }) => caches.select(cacheId),
      test: ({ cacheId }, { signal }) => caches.test(cacheId, signal),
      initialise: ({ cacheId, wantMassQuery, priority }, { signal }) => caches.initialise(cacheId, { wantMassQuery, priority }, signal),
    },
    aws: {
      profiles: () => discoverProfiles(env),
    },
    keys: {
      list: async () => ({ keys: await keys.list(), storage: keys.storage }),
      generate: ({ name }) => keys.generate(name),
      importSecret: ({ text }) => keys.importSecret(text),
      importPublic: ({ text }) => keys.importPublic(text),
      remove: ({ keyId }) => keys.remove(keyId),
      exportSecret: async ({ keyId, path }) => ({ path: await keys.exportSecret(keyId, path, env.HOME || undefined) }),
      trusted: async () => {
        const fromNix = await readTrustedKeys(env);
        const own = (await keys.list()).map((key) => ({ name: key.name, publicKey: key.publicKey, source: { where: 'Narwhal' }, setting: key.hasSecret ? 'signing key' : 'imported public key' }));
        return { keys: [...own, ...fromNix.keys], files: fromNix.files };
      },
      snippets: async ({ cacheId, keyId }) => {
        const key = (await keys.list()).find((k) => k.id === keyId);
        if (!key) throw new ApiError('not-found', `No key with id ${keyId}.`);
        const path = keys.secretKeyPath(key);
        const snippets = makeSnippets(caches.get(cacheId).config, key.publicKey, path ?? `/path/to/${key.name}.sec`);
        const copyNote = !key.hasSecret
          ? `${key.name} is a public key only: sign with its secret key file.`
          : path
            ? undefined
            : `The secret of ${key.name} is encrypted in the keychain; export it to a file for nix copy, or push from Narwhal.`;
        return { ...snippets, ...(copyNote ? { copyNote } : {}) };
      },
    },
    local: {
      roots: async (_input, { signal }) => localStore.listRoots({ signal }),
      search: async ({ query, limit }) => {
        const found = await localStore.searchStore(query, { limit: limit ?? 200 });
        return { matches: found.matches, total: found.total };
      },
      resolve: async ({ input }) => ({ storePath: (await localStore.resolveUserPath(input)).storePath }),
      closure: async ({ paths, cacheId }, { signal }) => {
        const closure = await localStore.pathInfo(paths, { recursive: true, signal });
        const present = cacheId ? await cacheHashes(caches.storeFor(cacheId), { signal }) : undefined;
        const rows = closure.map((info) => ({
          path: info.path,
          narSize: info.narSize,
          signatures: info.signatures,
          ...(present ? { inCache: present.has(parseStorePath(info.path).hash) } : {}),
        }));
        const inCache = rows.filter((row) => row.inCache);
        return {
          paths: rows,
          narSize: rows.reduce((sum, row) => sum + row.narSize, 0),
          ...(present ? { inCache: { paths: inCache.length, narSize: inCache.reduce((sum, row) => sum + row.narSize, 0) } } : {}),
        };
      },
    },
    push: {
      run: async ({ cacheId, paths, keyId, unsigned, compression, level, writeNarListing }) => {
        const saved = caches.get(cacheId);
        if (!isWritable(saved.config)) throw new ApiError('read-only', `${saved.name} is an HTTP cache, which Narwhal can only read.`);
        if (!keyId && !unsigned) {
          throw new ApiError('invalid-input', 'Choose a key to sign with, or confirm pushing unsigned: Nix clients silently ignore unsigned paths.');
        }
        // Resolved before the job starts, so a key that cannot sign (public only, sealed by another
        // app) refuses the push at once instead of failing it later.
        const signingKey = keyId ? await keys.secretKey(keyId) : undefined;
        const config = saved.config;
        const listings = writeNarListing ?? writeNarListingSetting(config.settings);
        const first = parseStorePath(paths[0]!).name;
        return {
          title: `Push ${first}${paths.length > 1 ? ` and ${paths.length - 1} more` : ''} to ${describeConfig(config)}`,
          subject: cacheIdentity(config),
          run: async ({ signal, progress }) => {
            const counts = { pathsTotal: 0, pathsDone: 0, narBytesTotal: 0, narBytesRead: 0, fileBytesUploaded: 0 };
            progress({ phase: 'closure', ...counts });
            const closure = await localStore.pathInfo(paths, { recursive: true, signal });
            progress({ phase: 'listing', ...counts, pathsTotal: closure.length });
            const store = openStore(config, env);
            try {
              // A cache without nix-cache-info is no cache to Nix: make it one first, as `nix copy` does.
              await ensureCacheInfo(store, signal);
              const present = await cacheHashes(store, { signal });
              const notes: string[] = [];
              if (closure.some((info) => !present.has(parseStorePath(info.path).hash))) {
                // Multipart uploads that killed pushes left in the bucket (a day old) go before new ones start.
                const note = sweepNote(await sweepIncompleteUploads(store, { signal }));
                if (note) notes.push(note);
              }
              const summary = await pushClosure({
                store,
                closure,
                presentHashes: present,
                compression,
                level,
                signingKey,
                writeNarListing: listings,
                signal,
                onProgress: (p) => progress({ phase: 'pushing', ...p }),
              });
              const publicKey = signingKey ? formatPublicKey(signingKey.publicKey) : undefined;
              return {
                ...summary,
                substituters: substituteLines(config, publicKey),
                ...(publicKey ? { signedWith: publicKey } : {}),
                notes,
              };
            } finally {
              store.close();
            }
          },
        };
      },
    },
    copy: {
      run: async ({ fromCacheId, toCacheId, paths, closure, compression, level, keyId }) => {
        const from = caches.get(fromCacheId);
        const to = caches.get(toCacheId);
        if (!isWritable(to.config)) throw new ApiError('read-only', `${to.name} is an HTTP cache, which Narwhal can only read; copy to an S3 bucket or a folder.`);
        if (cacheIdentity(from.config) === cacheIdentity(to.config)) throw new ApiError('invalid-input', `${from.name} and ${to.name} are the same cache.`);
        // Resolved before the job starts: a key that cannot sign refuses the copy at once.
        const signingKey = keyId ? await keys.secretKey(keyId) : undefined;
        // A path by its name (`<hash>-name` without the hash); a bare hash as it is.
        const first = paths[0]!.slice(paths[0]!.lastIndexOf('/') + 1).replace(/^[0-9a-df-np-sv-z]{32}-/, '');
        return {
          title: `Copy ${first}${paths.length > 1 ? ` and ${paths.length - 1} more` : ''} from ${from.name} to ${to.name}`,
          // The destination is what the copy changes.
          subject: cacheIdentity(to.config),
          run: async ({ signal, progress }) => {
            const source = openStore(from.config, env);
            const destination = openStore(to.config, env);
            try {
              const notes: string[] = [];
              const summary = await copyClosure({ source, destination, paths, closure, compression, level, writeNarListing: writeNarListingSetting(to.config.settings), signingKey, signal, onProgress: progress, onNote: (note) => notes.push(note) });
              const publicKey = signingKey ? formatPublicKey(signingKey.publicKey) : undefined;
              return {
                ...summary,
                ...(compression ? { recompressedTo: compression } : {}),
                notes,
                substituters: substituteLines(to.config, publicKey),
                ...(publicKey ? { signedWith: publicKey } : {}),
              };
            } finally {
              source.close();
              destination.close();
            }
          },
        };
      },
    },
    sign: {
      run: async ({ cacheId, keyId, paths, closure, all, trustedKeys }) => {
        const saved = caches.get(cacheId);
        if (!isWritable(saved.config)) throw new ApiError('read-only', `${saved.name} is an HTTP cache, which Narwhal can only read; signing rewrites its narinfos.`);
        // Refused before the job starts: a bad request, a key that cannot sign here, a bad trusted key.
        checkSignRequest({ paths, all, closure });
        const key = await keys.secretKey(keyId);
        const requireSignedBy = trustedKeys?.length
          ? trustedKeys.map((text) => {
              try {
                return parsePublicKey(text);
              } catch (e) {
                throw new ApiError('invalid-input', `The trusted key "${text}" is not a Nix public key (name:base64): ${(e as Error).message}`);
              }
            })
          : undefined;
        const config = saved.config;
        const count = paths?.length === 1 ? '1 path' : `${paths?.length ?? 0} paths`;
        const what = all ? 'every path of' : closure ? `the closure of ${count} in` : `${count} in`;
        return {
          title: `Sign ${what} ${describeConfig(config)} with ${key.name}`,
          subject: cacheIdentity(config),
          run: async ({ signal, progress }) => {
            const store = openStore(config, env);
            try {
              const summary = await signClosure({
                store,
                key,
                ...(all ? { all: true } : { paths, closure }),
                requireSignedBy,
                signal,
                onProgress: (p) => {
                  // The last failure goes into the summary, not into every progress event.
                  const { lastFailure: _, ...counts } = p as typeof p & { lastFailure?: unknown };
                  progress(counts);
                },
              });
              const publicKey = formatPublicKey(key.publicKey);
              return {
                signed: summary.signed,
                alreadySigned: summary.alreadySigned,
                total: summary.total,
                failed: summary.failed.slice(0, maxSignFailuresListed),
                failedCount: summary.failed.length,
                signedWith: publicKey,
                substituters: substituteLines(config, publicKey),
              };
            } finally {
              store.close();
            }
          },
        };
      },
    },
    jobs: {
      list: async () => ({ jobs: jobs.list() }),
      get: async ({ jobId }) => jobs.get(jobId),
      cancel: async ({ jobId }) => jobs.cancel(jobId),
      dismiss: async ({ jobId }) => jobs.dismiss(jobId),
    },
    browse: {
      listPaths: ({ cacheId }) => {
        const saved = caches.get(cacheId);
        // The configuration and the listing's subject are fixed when the job starts, and the job has a
        // store of its own: editing the connection meanwhile (which closes the shared store) neither
        // breaks this job, nor redirects it, nor passes its entries off as the new bucket's.
        const config = saved.config;
        return {
          title: `List the paths of ${describeConfig(config)}`,
          subject: cacheIdentity(config),
          run: async ({ jobId, signal, progress }) => {
            const store = openStore(config, env);
            const listing = listings.open(jobId, cacheIdentity(config));
            try {
              await forEachPathPage(
                store,
                (page, listed, pages) => {
                  listing.add(page);
                  progress({ listed, pages });
                },
                { signal },
              );
              return { total: listing.close() };
            } finally {
              listing.end();
              store.close();
            }
          },
        };
      },
      pathsPage: async ({ jobId, offset, limit }) => listings.page(jobId, offset, limit),
      resolveNames: async ({ cacheId, hashes }, { signal }) => {
        const resolved = await resolveNames(caches.storeFor(cacheId), hashes, { signal });
        const names: Record<string, { name: string } | { error: string }> = {};
        for (const [hash, result] of resolved) names[hash] = 'error' in result ? { error: result.error } : { name: result.name };
        return { names };
      },
    },
    index: {
      refresh: ({ cacheId }) => {
        // As for listPaths: the configuration is fixed when the job starts, and the job has its own store.
        const config = caches.get(cacheId).config;
        const db = indexes.get(config);
        return {
          title: `Index the paths of ${describeConfig(config)}`,
          subject: cacheIdentity(config),
          run: async ({ signal, progress }) => {
            const store = openStore(config, env);
            try {
              return await refreshIndex(store, db, { signal, onProgress: progress });
            } finally {
              store.close();
            }
          },
        };
      },
      page: async ({ cacheId, offset, limit, filter, sort }) => indexes.page(caches.get(cacheId).config, { offset, limit, filter, sort }),
      stats: async ({ cacheId }) => indexes.stats(caches.get(cacheId).config),
      charts: async ({ cacheId }) => indexes.charts(caches.get(cacheId).config),
      statsPaths: async ({ cacheId, kind, limit }) => indexes.statsPaths(caches.get(cacheId).config, kind, limit),
    },
    policy: policyApi(caches, env),
    bucket: bucketApi(caches, env),
    nar: narApi(caches, env),
    path: pathApi(caches, indexes),
  };

  const server = createApiServer(contract, events, impl, {
    jobs,
    onInternalError: (channel, error) => options.log?.(`${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  return { server, caches, keys, jobs };
}
