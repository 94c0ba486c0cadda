import { Readable } from 'node:stream';
import { abortError } from './retry';

/**
 * The chunks of `source`, ending with an AbortError the moment `signal` aborts, even while the source
 * is waiting for its next chunk. Destroying a `Readable.from(generator)` does not do that: it calls the
 * generator's return(), which waits until the generator's pending await settles, so a source that
 * stalls would hold an upload (and its multipart clean-up) open for ever.
 */
export async function* abortable(source: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const next = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
        const onAbort = () => reject(abortError(signal!));
        signal?.addEventListener('abort', onAbort, { once: true });
        iterator.next().then(
          (result) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(result);
          },
          (e: unknown) => {
            signal?.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Tell the source to stop, without waiting: a stalled one would never answer.
    if (!finished) void iterator.return?.()?.catch(() => {});
  }
}

/** A byte stream of `source` that fails as soon as `signal` aborts (see abortable). */
export function abortableReadable(source: AsyncIterable<Uint8Array>, signal: AbortSignal | undefined): Readable {
  return Readable.from(abortable(source, signal), { objectMode: false });
}
