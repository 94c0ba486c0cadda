import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where Narwhal keeps its settings, keys and the built-in folder cache. A `--data-dir` flag wins over
 * NARWHAL_DATA_DIR, which wins over the platform default; tests point both shells at a temporary folder.
 * (The Electron shell passes Electron's userData folder as the default instead.)
 */
export function resolveDataDir(options: { flag?: string; env?: NodeJS.ProcessEnv; platformDefault?: string } = {}): string {
  const env = options.env ?? process.env;
  if (options.flag) return resolve(options.flag);
  if (env.NARWHAL_DATA_DIR) return resolve(env.NARWHAL_DATA_DIR);
  if (options.platformDefault) return options.platformDefault;
  const xdg = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(xdg, 'narwhal');
}
