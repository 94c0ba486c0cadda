import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { CompressionMethod } from '../../../shared/push/compression';
import { parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { narFileKey } from './nar-key';
import type { StagedNar } from './stage-nar';

/**
 * Uploads a staged NAR (push's or copy's) and, when it has one, its `.ls` listing, then removes the
 * staged file whatever happens. Both go before the narinfo, which is the commit point: a path the
 * cache has then has its listing too. The listing goes up uncompressed, as Nix writes it by default
 * (an S3 store's ls-compression, sent with a Content-Encoding, is not implemented; readers take the
 * plain file all the same). Returns the NAR's key and what the narinfo needs, without the listing,
 * which is not kept while the narinfo waits for its references'.
 *
 * A NAR staged in a folder cache itself (FileStore.temporaryFile) is fsynced and renamed into place
 * (FileStore.adopt) rather than read back and written again.
 *
 * An S3 bucket takes the staged file as a file (S3Store.putFile: parts read straight into reused
 * buffers, where a stream went through lib-storage's fresh part buffers and copies). Any other store
 * reads it as a stream that must hold exactly the bytes the compressor reported.
 */
export async function uploadStaged<T extends StagedNar>(
  store: CacheStore,
  storePath: string,
  staged: T,
  compression: CompressionMethod,
  signal: AbortSignal | undefined,
): Promise<{ url: string; kept: Omit<T, 'listing'> }> {
  try {
    const url = narFileKey(staged.fileHash, compression);
    if (store instanceof FileStore && store.holdsTemporary(staged.file)) await store.adopt(staged.file, url, { signal });
    else if (store.putFile) await store.putFile(url, staged.file, staged.fileSize, contentTypes.nar, { signal });
    else await store.put(url, exactly(staged.fileSize, staged.file), contentTypes.nar, { signal });
    if (staged.listing) await store.put(`${parseStorePath(storePath).hash}.ls`, staged.listing, contentTypes.listing, { signal });
    const { listing: _sent, ...kept } = staged;
    return { url, kept };
  } finally {
    await rm(staged.file, { force: true });
  }
}

/**
 * The staged file's bytes, failing (so the store writes nothing) when there are more or fewer than the
 * compressor reported: anything else is a bug or someone else's hand in our staging folder, and must
 * not reach the cache. Read in 1 MiB pieces: the default 64 KiB made 16 times as many thread-pool
 * calls, each a cost on the main thread.
 */
async function* exactly(size: number, file: string): AsyncGenerator<Uint8Array> {
  let got = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    got += chunk.length;
    if (got > size) break;
    yield chunk;
  }
  if (got !== size) throw new Error(`the staged ${file} holds ${got > size ? `more than ${size}` : got} bytes, not the ${size} compressed`);
}
