import { setMaxListeners } from 'node:events';

/**
 * The cancel switch of a push, copy or sign, whether a job of the app or a CLI command. Every NAR in
 * flight listens on its signal (its codecs, its staging, its requests), so four NARs at once pass
 * Node's default of 10 listeners, and the process would log a leak warning about work that leaks
 * nothing: each listener goes with its NAR.
 */
export function cancelController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(1000, controller.signal);
  return controller;
}
