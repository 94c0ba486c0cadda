/**
 * The narinfo of the path a page is about, given as a full store path, a base name or a bare hash.
 */
import { ApiError } from '../../../shared/api/errors';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';

const hashPattern = /^[0-9a-df-np-sv-z]{32}$/;

/** The 32-character hash of a store path, base name or hash; an ApiError for anything else. */
export function pathHash(input: string): string {
  const base = input.trim().replace(/^\/nix\/store\//, '');
  const hash = base.slice(0, 32);
  if (!hashPattern.test(hash) || (base.length > 32 && base[32] !== '-')) {
    throw new ApiError('invalid-input', `"${input}" is not a store path, a base name (<hash>-<name>) or a 32-character store path hash.`);
  }
  return hash;
}

export async function readPathNarinfo(store: CacheStore, input: string, signal?: AbortSignal): Promise<Narinfo> {
  const hash = pathHash(input);
  const key = `${hash}.narinfo`;
  const bytes = await store.get(key, { signal });
  if (!bytes) throw new ApiError('not-found', `${store.description} has no ${key}, so it does not have ${input}.`);
  let narinfo: Narinfo;
  try {
    narinfo = parseNarinfo(Buffer.from(bytes).toString('utf8'), { source: `${key} of ${store.description}` });
  } catch (e) {
    throw new ApiError('bad-format', (e as Error).message);
  }
  if (parseStorePath(narinfo.storePath).hash !== hash) {
    throw new ApiError('bad-format', `${key} of ${store.description} describes ${narinfo.storePath}, another path.`);
  }
  return narinfo;
}

/** `<hash>-<name>` of the narinfo's path. */
export function baseNameOf(narinfo: Narinfo): string {
  return narinfo.storePath.slice(narinfo.storePath.lastIndexOf('/') + 1);
}
