/**
 * The `nar` API group: adapts the NAR browsing services to the contract. Calls use the cache's shared
 * store; jobs open a store of their own, so editing the connection meanwhile does not break them.
 */
import type { ImplOf } from '../../../shared/api/define';
import type { NarwhalContract } from '../../../shared/api/contract';
import { cacheIdentity } from '../../../shared/caches/identity';
import { describeConfig } from '../../../shared/caches/config';
import type { CacheService } from '../caches/cache-service';
import { openStore } from '../stores/open-store';
import { readBuildLog } from './build-log';
import { checkIntegrity } from './integrity';
import { narFiles } from './nar-files';
import { previewNarFile } from './nar-preview';
import { extractFromCache, saveFromCache, userPath } from './nar-save';
import { pathHash, readPathNarinfo } from './path-narinfo';

export function narApi(caches: CacheService, env: NodeJS.ProcessEnv): ImplOf<NarwhalContract>['nar'] {
  const home = env.HOME || undefined;
  /** A job on one path: its narinfo read inside the job, with the job's own store. */
  const pathJob = <P, O>(cacheId: string, path: string, title: (what: string) => string, run: (ctx: { store: ReturnType<typeof openStore>; narinfo: Awaited<ReturnType<typeof readPathNarinfo>>; signal: AbortSignal; progress: (p: P) => void }) => Promise<O>) => {
    pathHash(path); // a bad path is refused before any job exists
    const config = caches.get(cacheId).config;
    const shown = path.replace(/^\/nix\/store\//, '');
    return {
      title: title(`${shown} of ${describeConfig(config)}`),
      subject: cacheIdentity(config),
      run: async ({ signal, progress }: { signal: AbortSignal; progress: (p: P) => void }) => {
        const store = openStore(config, env);
        try {
          const narinfo = await readPathNarinfo(store, path, signal);
          return await run({ store, narinfo, signal, progress });
        } finally {
          store.close();
        }
      },
    };
  };
  return {
    listing: async ({ cacheId, path }, { signal }) => {
      const store = caches.storeFor(cacheId);
      return narFiles(store, await readPathNarinfo(store, path, signal), { signal });
    },
    preview: async ({ cacheId, path, file }, { signal }) => {
      const store = caches.storeFor(cacheId);
      return previewNarFile(store, await readPathNarinfo(store, path, signal), file, { signal });
    },
    buildLog: async ({ cacheId, path }, { signal }) => {
      const store = caches.storeFor(cacheId);
      return readBuildLog(store, await readPathNarinfo(store, path, signal), { signal });
    },
    download: ({ cacheId, path, what, folder, overwrite }) => {
      userPath(folder, home);
      const noun = what === 'log' ? 'the build log of' : what === 'nar' ? 'the NAR of' : 'the compressed NAR of';
      return pathJob(cacheId, path, (p) => `Save ${noun} ${p}`, async ({ store, narinfo, signal, progress }) => {
        const total = what === 'nar' ? narinfo.narSize : what === 'compressed' ? narinfo.fileSize : undefined;
        progress({ bytes: 0, ...(total !== undefined ? { total } : {}) });
        return saveFromCache(store, narinfo, { what, folder, overwrite, home, signal, onBytes: (bytes) => progress({ bytes, ...(total !== undefined ? { total } : {}) }) });
      });
    },
    extract: ({ cacheId, path, target }) => {
      userPath(target, home);
      return pathJob(cacheId, path, (p) => `Extract ${p}`, async ({ store, narinfo, signal, progress }) => {
        progress({ bytes: 0, total: narinfo.narSize });
        const summary = await extractFromCache(store, narinfo, { target, home, signal, onBytes: (bytes) => progress({ bytes, total: narinfo.narSize }) });
        return summary;
      });
    },
    verify: ({ cacheId, path }) =>
      pathJob(cacheId, path, (p) => `Check the NAR of ${p}`, async ({ store, narinfo, signal, progress }) => {
        progress({ fileBytes: 0, ...(narinfo.fileSize !== undefined ? { fileSize: narinfo.fileSize } : {}), narBytes: 0, narSize: narinfo.narSize });
        return checkIntegrity(store, narinfo, { signal, onProgress: progress });
      }),
  };
}

