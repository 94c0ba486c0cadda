// Bundles the Electron glue: main (ESM, Node) and the preload (CommonJS, as a sandboxed preload must be).
import { build } from 'esbuild';
import { copyFile } from 'node:fs/promises';

const common = { bundle: true, platform: 'node', target: 'node22', external: ['electron'], sourcemap: true, logLevel: 'info' };
await build({ ...common, entryPoints: ['electron/app/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
await build({ ...common, entryPoints: ['electron/app/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs' });

// The compression worker runs as a file of its own (worker_threads), loaded next to main.mjs
// (electron/services/compress/compress.ts resolves it relative to the module that runs).
await copyFile('electron/services/compress/compress-worker.mjs', 'dist/electron/compress-worker.mjs');
