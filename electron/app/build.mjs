// Bundles the Electron glue: main (ESM, Node) and the preload (CommonJS, as a sandboxed preload must be).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', external: ['electron'], sourcemap: true, logLevel: 'info' };
await build({ ...common, entryPoints: ['electron/app/main.ts'], outfile: 'dist/electron/main.mjs', format: 'esm',
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
await build({ ...common, entryPoints: ['electron/app/preload.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs' });
