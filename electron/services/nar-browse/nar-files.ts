/**
 * The files of a path's NAR as the page lists them: flat, in NAR order, from the cache's `<hash>.ls`
 * when it has a good one, else by streaming the NAR itself (never held: only the entries are kept,
 * and only the first `maxShown` of them).
 */
import { maxNarEntriesShown, type NarEntryView, type NarListingView } from '../../../shared/api/contract-nar';
import { ApiError } from '../../../shared/api/errors';
import type { NarListing, NarListingNode } from '../../../shared/nix/nar-listing';
import { NarListingError, decodeNarListing, decodeNarText, sortedEntries } from '../../../shared/nix/nar-listing';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { parseStorePath } from '../../../shared/nix/store-path';
import { NarError, readNar, type NarReadOptions, type NarSource } from '../nar/nar-reader';
import { displayNarPath } from '../nar/nar-format';
import type { CacheStore } from '../stores/cache-store';
import { CodecError, decompressStream, sniffCompression } from './decompress-stream';
import { narCompression, openNar } from './nar-source';

export interface ListOptions extends NarReadOptions {
  /** Entries kept; the rest are counted only. */
  maxShown?: number;
  /** Entries accepted at all (a hostile NAR of tiny entries is stopped here). */
  maxEntries?: number;
}

export const defaultMaxEntries = 10_000_000;

/** Largest `.ls` read (compressed or not); Nix's listing of a Linux source tree is about 10 MiB. */
const maxListingBytes = 64 << 20;

export interface FlatListing {
  entries: NarEntryView[];
  total: number;
}

/** Lists a NAR stream; rejects with NarError (offset and path in the NAR) like `readNar`. */
export async function listNarEntries(source: NarSource, options: ListOptions = {}): Promise<FlatListing> {
  const maxShown = options.maxShown ?? maxNarEntriesShown;
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const entries: NarEntryView[] = [];
  // Path strings of the open directories, so each entry's path is its parent's plus one name.
  const dirs: string[] = [];
  let total = 0;
  for await (const entry of readNar(source, options)) {
    if (entry.type === 'directory-end') {
      dirs.pop();
      continue;
    }
    if (++total > maxEntries) throw new NarError(entry.offset, displayNarPath(entry.path), `more than ${maxEntries} entries`);
    const parent = dirs[dirs.length - 1];
    const path = parent === undefined ? '/' : `${parent === '/' ? '' : parent}/${decodeNarText(entry.name!)}`;
    if (entry.type === 'directory') dirs.push(path);
    if (total > maxShown) continue;
    if (entry.type === 'regular') entries.push({ path, type: 'regular', size: entry.size, ...(entry.executable ? { executable: true } : {}) });
    else if (entry.type === 'symlink') entries.push({ path, type: 'symlink', target: decodeNarText(entry.target) });
    else entries.push({ path, type: 'directory' });
  }
  return { entries, total };
}

/** A `.ls` listing in the same flat form, in NAR order. */
export function flattenListing(listing: NarListing, options: { maxShown?: number; maxEntries?: number } = {}): FlatListing {
  const maxShown = options.maxShown ?? maxNarEntriesShown;
  const maxEntries = options.maxEntries ?? defaultMaxEntries;
  const entries: NarEntryView[] = [];
  let total = 0;
  // Depth-first without recursion; depth is bounded by the listing's validation anyway.
  const stack: Array<[string, NarListingNode]> = [['/', listing.root]];
  while (stack.length > 0) {
    const [path, node] = stack.pop()!;
    if (++total > maxEntries) throw new NarListingError(`more than ${maxEntries} entries`);
    if (node.type === 'directory') {
      const children = sortedEntries(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push([`${path === '/' ? '' : path}/${children[i]![0]}`, children[i]![1]]);
    }
    if (total > maxShown) continue;
    if (node.type === 'regular') entries.push({ path, type: 'regular', size: node.size, ...(node.executable ? { executable: true } : {}) });
    else if (node.type === 'symlink') entries.push({ path, type: 'symlink', target: node.target });
    else entries.push({ path, type: 'directory' });
  }
  return { entries, total };
}

/** The bytes of an object that Nix may have stored compressed (`ls-compression`, `log-compression`). */
export async function readMaybeCompressed(bytes: Uint8Array, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; compression?: string; truncated: boolean }> {
  const method = sniffCompression(bytes);
  if (!method) return bytes.length > maxBytes ? { bytes: bytes.subarray(0, maxBytes), truncated: true } : { bytes, truncated: false };
  const parts: Uint8Array[] = [];
  let got = 0;
  let truncated = false;
  for await (const chunk of decompressStream((async function* () { yield bytes; })(), method, signal)) {
    const take = Math.min(chunk.length, maxBytes - got);
    parts.push(chunk.subarray(0, take));
    got += take;
    if (take < chunk.length) {
      truncated = true;
      break;
    }
  }
  return { bytes: Buffer.concat(parts), compression: method, truncated };
}

/** The listing the path page shows. */
export async function narFiles(store: CacheStore, narinfo: Narinfo, options: { signal?: AbortSignal; maxShown?: number } = {}): Promise<NarListingView> {
  const { signal } = options;
  const hash = parseStorePath(narinfo.storePath).hash;
  const lsKey = `${hash}.ls`;
  const base = { storePath: narinfo.storePath, narSize: narinfo.narSize, compression: narinfo.compression };
  let note: string | undefined;
  try {
    const raw = await store.get(lsKey, { signal, maxBytes: maxListingBytes });
    if (raw) {
      const { bytes, truncated } = await readMaybeCompressed(raw, maxListingBytes, signal);
      if (truncated) throw new NarListingError(`it decompresses to more than ${maxListingBytes} bytes`);
      const flat = flattenListing(decodeNarListing(bytes), { maxShown: options.maxShown });
      return { ...base, source: 'ls', entries: flat.entries, total: flat.total };
    }
  } catch (e) {
    const bad = e instanceof NarListingError || e instanceof CodecError || (e instanceof ApiError && e.code === 'bad-format');
    if (!bad) throw e;
    note = `The cache's ${lsKey} cannot be used (${(e as Error).message}); the files were read from the NAR instead.`;
  }
  narCompression(store, narinfo);
  const nar = await openNar(store, narinfo, { signal });
  try {
    const flat = await listNarEntries(nar.chunks, { signal, maxShown: options.maxShown });
    return { ...base, source: 'nar', ...(note ? { note } : {}), entries: flat.entries, total: flat.total };
  } catch (e) {
    if (e instanceof NarError) throw new ApiError('bad-format', `The NAR of ${narinfo.storePath} (${narinfo.url}) is not a valid NAR: ${e.message}`);
    throw e;
  } finally {
    await nar.close();
  }
}

