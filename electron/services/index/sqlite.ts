import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';

export type Database = BetterSqlite3.Database;
type DatabaseConstructor = typeof BetterSqlite3;

let loaded: DatabaseConstructor | undefined;

/**
 * better-sqlite3, loaded at run time from node_modules rather than bundled: it is a native module
 * (V8's API, not N-API), built for one runtime. `npm ci` builds it for Node (the CLI and the browser
 * shell); electron-builder rebuilds it for Electron's ABI when it packages the app. Loaded through
 * createRequire, as the codecs are, so the CLI bundle and the Electron bundle find the same file the
 * sources do. A build for another runtime fails here with a message that says what to do.
 */
export function sqlite(): DatabaseConstructor {
  if (loaded) return loaded;
  const load = createRequire(import.meta.url);
  try {
    loaded = load('better-sqlite3') as DatabaseConstructor;
  } catch (e) {
    const message = (e as Error).message;
    const hint = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)
      ? ` It was built for another runtime than this one (${process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.version}`}): rebuild it for this one (\`npm rebuild better-sqlite3\` for Node, \`npx electron-builder install-app-deps\` for Electron).`
      : ' Run `npm ci` (it builds better-sqlite3 from source; that needs python3, make and a C++ compiler).';
    throw new ApiError('internal', `The cache index cannot open its database: better-sqlite3 did not load: ${message.split('\n')[0]}.${hint}`);
  }
  return loaded;
}
