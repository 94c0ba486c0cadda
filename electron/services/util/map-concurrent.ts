/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping results in input order.
 * S3 answers many small GETs far faster in parallel; unbounded parallelism trips rate limits.
 *
 * The first failure ends the run: no further call starts, the calls in flight are told through the
 * signal passed to `fn` (so their requests stop), and the promise rejects with that first error.
 * Aborting `signal` does the same with its reason.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  signal?.throwIfAborted();
  const results = new Array<R>(items.length);
  if (items.length === 0) return results;
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let active = 0;
  try {
    return await new Promise<R[]>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        stop.abort(e);
        reject(e);
      };
      stop.signal.addEventListener('abort', () => fail(stop.signal.reason), { once: true });
      const launch = () => {
        while (!failed && active < Math.max(1, limit) && next < items.length) {
          const index = next++;
          active += 1;
          let call: Promise<R>;
          try {
            call = fn(items[index]!, index, stop.signal);
          } catch (e) {
            // A synchronous throw fails the run like a rejection does.
            call = Promise.reject(e);
          }
          call.then(
            (value) => {
              results[index] = value;
              active -= 1;
              if (!failed && next >= items.length && active === 0) resolve(results);
              else launch();
            },
            (e: unknown) => {
              active -= 1;
              fail(e);
            },
          );
        }
      };
      launch();
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
