import { abortable } from './abortable-source';

/**
 * The chunks of a download, failing with `stalled()` when the server sends nothing for `idleMs`.
 * A per-request deadline cannot cover a body of unknown size (a 2 GiB NAR may take minutes, and
 * rightly so), but a server that stops sending mid-body must not hold a copy open for ever. The
 * clock runs only while we wait for the server: time the consumer spends with a chunk (writing it,
 * compressing it) does not count, so a slow upload downstream is never mistaken for a stalled source.
 * The caller's `signal` ends the stream at once with an AbortError.
 */
export async function* withIdleDeadline(
  source: AsyncIterable<Uint8Array>,
  idleMs: number,
  stalled: () => Error,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const idle = new AbortController();
  const arm = () => setTimeout(() => idle.abort(), idleMs);
  let timer = arm();
  const either = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  try {
    for await (const chunk of abortable(source, either)) {
      clearTimeout(timer);
      yield chunk;
      timer = arm();
    }
  } catch (e) {
    if (idle.signal.aborted && !signal?.aborted) throw stalled();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
