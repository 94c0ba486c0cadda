// Bundles the `narwhal` command (electron/cli/entry.ts), which Node then starts without tsx: a
// command line that runs in a fraction of the time, which counts for every CI step.
//
//   node electron/cli/build.mjs [--outdir DIR]      (npm run build:cli; DIR defaults to dist/cli)
//
// In DIR:
// - narwhal.mjs, the program (electron/cli/bundle-loader.mjs): it runs narwhal.cjs from V8's code cache;
// - narwhal.cjs, the bundle (CommonJS in form, for the code cache; see bundle-loader.mjs), its source
//   map, and narwhal.cjs.cache, the code cache, made here by running `--help` once (each command
//   adds narwhal.cjs.<command>.cache when it first runs);
// - compress-worker.mjs, which worker_threads starts as a file of its own (compress.ts resolves it
//   relative to the module that runs, so it must sit next to the bundle); the native codecs it loads
//   (zstd-napi, node-liblzma) stay in node_modules, found from there as from the sources, so DIR must
//   be inside the repository (or the installed package);
// - build-inputs.json: when the bundle was built and from which files, so bin/narwhal.mjs runs the
//   bundle only while none of them changed since (else the sources, through tsx).
//
// Files are written under temporary names and renamed, so a `narwhal` starting during a rebuild
// reads either the old bundle or the new one; build-inputs.json goes last.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist/cli') } } });
const outdir = resolve(values.outdir);

/**
 * The renderer's folder is found relative to the module that runs (electron/services/ui/static-assets.ts
 * says `../../../dist/renderer`, right for the sources). From the bundle, the same URL must lead to
 * the same folder: the path is rewritten relative to where the bundle goes. The build fails if the
 * source no longer says it that way, rather than ship a `narwhal serve` that cannot find its UI.
 */
const rendererDirFromBundle = {
  name: 'renderer-dir-from-bundle',
  setup(b) {
    b.onLoad({ filter: /electron[\\/]services[\\/]ui[\\/]static-assets\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const fromSources = "new URL('../../../dist/renderer', import.meta.url)";
      if (!source.includes(fromSources)) throw new Error(`${args.path} no longer contains ${fromSources}; update electron/cli/build.mjs to match`);
      const fromBundle = relative(outdir, join(root, 'dist/renderer')).split('\\').join('/');
      return { contents: source.replace(fromSources, `new URL(${JSON.stringify(fromBundle)}, import.meta.url)`), loader: 'ts' };
    });
  },
};

/**
 * Packages with native code (a binding.gyp: better-sqlite3, zstd-napi, node-liblzma) find their
 * compiled .node file relative to their own folder, which a bundle would not be: they are left in
 * node_modules and required from there at run time.
 */
const nativePackagesExternal = {
  name: 'native-packages-external',
  setup(b) {
    const native = new Map();
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return undefined;
      const parts = args.path.split('/');
      const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!native.has(name)) native.set(name, existsSync(join(root, 'node_modules', name, 'binding.gyp')));
      return native.get(name) ? { path: args.path, external: true } : undefined;
    });
  },
};

const builtAt = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ['electron/cli/entry.ts'],
  outfile: join(outdir, 'narwhal.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'cjs',
  // The loader passes the bundle's own URL; `import()` of Node's modules (two in the AWS SDK) becomes
  // require(), which a script run by the vm module has (it has no module loader for import()).
  define: { 'import.meta.url': '__narwhalModuleUrl' },
  supported: { 'dynamic-import': false },
  // Packages that ship a UMD `main` (jsonc-parser) require their parts by computed names, which a
  // bundle cannot follow; their ES module build is plain imports.
  mainFields: ['module', 'main'],
  // Less to parse at every start; identifiers are kept so a stack trace still names our functions.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  write: false,
  plugins: [rendererDirFromBundle, nativePackagesExternal],
  logLevel: 'warning',
});

await mkdir(outdir, { recursive: true });
/** Writes a file under a temporary name, then renames it into place. */
async function replace(file, contents, mode = 0o644) {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, contents, { mode });
  await rename(temporary, file);
}
for (const file of result.outputFiles) await replace(file.path, file.contents);
const worker = 'electron/services/compress/compress-worker.mjs';
const loader = 'electron/cli/bundle-loader.mjs';
await replace(join(outdir, 'compress-worker.mjs'), await readFile(join(root, worker)));
// The caches of the previous bundle are of no use to this one (the loader would not take them): the
// build's is made afresh, each command's after its next run.
for (const name of await readdir(outdir)) if (/^narwhal\.cjs\.(?:[a-z-]+\.)?cache$/.test(name)) await rm(join(outdir, name), { force: true });
await replace(join(outdir, 'narwhal.mjs'), await readFile(join(root, loader)), 0o755);
execFileSync(process.execPath, [join(outdir, 'narwhal.mjs'), '--help'], { stdio: 'ignore' });

// Every file whose change makes the bundle stale: the sources bundled, the worker, the loader, this
// script, and the installed packages (npm rewrites node_modules/.package-lock.json on every install).
const inputs = [
  ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/')),
  worker,
  loader,
  'electron/cli/build.mjs',
  ...(existsSync(join(root, 'node_modules/.package-lock.json')) ? ['node_modules/.package-lock.json'] : []),
].sort();
await replace(join(outdir, 'build-inputs.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`);
const size = result.outputFiles.find((f) => f.path.endsWith('.cjs')).contents.length;
console.log(`${relative(process.cwd(), join(outdir, 'narwhal.mjs'))}: ${(size / 2 ** 20).toFixed(1)} MiB bundle from ${Object.keys(result.metafile.inputs).length} modules`);
