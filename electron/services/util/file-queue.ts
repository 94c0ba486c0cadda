import { resolve } from 'node:path';

/**
 * One queue per file, shared by the whole process: `withFileQueue(path, fn)` runs `fn` after every
 * earlier call for the same file has settled, so a read-modify-write (load, change, save) of a
 * settings or key file never interleaves with another one and never loses its change.
 *
 * Keyed by the absolute path, so two objects that open the same file (two services on one data
 * folder, a relative and an absolute spelling) still share one queue. A failed call does not block
 * the ones after it. Entries are dropped when their queue empties, so the map does not grow.
 */
const tails = new Map<string, Promise<unknown>>();

export function withFileQueue<T>(path: string, fn: () => Promise<T> | T): Promise<T> {
  const key = resolve(path);
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(() => fn());
  // What the next caller waits for: this call settling, never its error.
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

/** How many files have calls queued or running (for tests: the map must not leak). */
export function queuedFileCount(): number {
  return tails.size;
}
