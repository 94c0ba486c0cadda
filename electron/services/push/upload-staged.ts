import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { CompressionMethod } from '../../../shared/push/compression';
import { parseStorePath } from '../../../shared/nix/store-path';
import type { CacheStore } from '../stores/cache-store';
import { contentTypes } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { minPartSize } from '../stores/s3-store';
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
 * A staged NAR of at most 5 MiB (most of them; S3's smallest part, so one PutObject) is read whole
 * into a buffer kept for the next one and put as bytes. As a stream it went through lib-storage's
 * Upload, which gathers a stream's chunks into fresh part buffers: on a push of 40 NARs to RGW that
 * copying, its page faults and the garbage collection after it were 0.4 s of the main thread.
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
    else if (staged.fileSize <= smallNarMax) await putSmall(store, url, staged.file, staged.fileSize, signal);
    // Read in 1 MiB pieces: the default 64 KiB made 16 times as many thread-pool calls, each a cost on the main thread.
    else await store.put(url, createReadStream(staged.file, { highWaterMark: 1 << 20 }), contentTypes.nar, { signal });
    if (staged.listing) await store.put(`${parseStorePath(storePath).hash}.ls`, staged.listing, contentTypes.listing, { signal });
    const { listing: _sent, ...kept } = staged;
    return { url, kept };
  } finally {
    await rm(staged.file, { force: true });
  }
}

const smallNarMax = minPartSize;
/** Buffers of smallNarMax bytes, kept for the next small NAR: one per NAR uploading at once, at most 4 (20 MiB). */
const spareBuffers: Buffer[] = [];
const spareMax = 4;

/** Puts the staged file of `size` bytes (at most smallNarMax) as bytes, from a reused buffer. */
async function putSmall(store: CacheStore, key: string, file: string, size: number, signal: AbortSignal | undefined): Promise<void> {
  const buffer = spareBuffers.pop() ?? Buffer.allocUnsafe(smallNarMax);
  try {
    const handle = await open(file, 'r');
    try {
      let got = 0;
      while (got < size) {
        const { bytesRead } = await handle.read(buffer, got, size - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      // The worker wrote and closed the file before reporting its size: anything else is a bug or
      // someone else's hand in our staging folder, and must not reach the cache.
      if (got !== size) throw new Error(`the staged ${file} holds ${got} bytes, not the ${size} compressed`);
    } finally {
      await handle.close();
    }
    await store.put(key, buffer.subarray(0, size), contentTypes.nar, { signal });
  } finally {
    if (spareBuffers.length < spareMax) spareBuffers.push(buffer);
  }
}
