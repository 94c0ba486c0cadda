// Bundles the `narwhal` command (electron/cli/entry.ts) into one ESM file, dist/cli/narwhal.mjs, which
// Node starts without tsx: a command line that runs 0.1-0.2 s sooner, which counts for every CI step.
//
//   node electron/cli/build.mjs [--outdir DIR]      (npm run build:cli)
//
// Next to the bundle go:
// - compress-worker.mjs, which worker_threads starts as a file of its own (compress.ts resolves it
//   relative to the module that runs, so it must sit next to the bundle); the native codecs it loads
//   (zstd-napi, node-liblzma) stay in node_modules, found from there as from the sources;
// - build-inputs.json: when the bundle was built and from which files, so bin/narwhal.mjs runs the
//   bundle only while none of them changed since (else the sources, through tsx).
//
// Files are written under temporary names and renamed, so a `narwhal` starting during a rebuild
// reads either the old bundle or the new one, never half of one; build-inputs.json goes last.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

const builtAt = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ['electron/cli/entry.ts'],
  outfile: join(outdir, 'narwhal.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  // Less to parse at every start; identifiers are kept so a stack trace still names our functions.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  write: false,
  // CommonJS packages in the bundle (the AWS SDK) call require() for Node's own modules.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __narwhalCreateRequire } from 'node:module'; const require = __narwhalCreateRequire(import.meta.url);" },
  plugins: [rendererDirFromBundle],
  logLevel: 'warning',
});

await mkdir(outdir, { recursive: true });
/** Writes a file under a temporary name, then renames it into place. */
async function replace(file, contents, mode) {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, contents, { mode });
  await rename(temporary, file);
}
for (const file of result.outputFiles) await replace(file.path, file.contents, file.path.endsWith('.mjs') ? 0o755 : 0o644);
const worker = 'electron/services/compress/compress-worker.mjs';
await copyFile(join(root, worker), join(outdir, 'compress-worker.mjs.tmp'));
await rename(join(outdir, 'compress-worker.mjs.tmp'), join(outdir, 'compress-worker.mjs'));

// Every file whose change makes the bundle stale: the sources bundled, the worker, this script, and
// the installed packages (npm rewrites node_modules/.package-lock.json on every install).
const inputs = [
  ...Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/')),
  worker,
  'electron/cli/build.mjs',
  ...(existsSync(join(root, 'node_modules/.package-lock.json')) ? ['node_modules/.package-lock.json'] : []),
].sort();
await replace(join(outdir, 'build-inputs.json'), `${JSON.stringify({ builtAt, inputs }, null, 1)}\n`, 0o644);
console.log(`${relative(process.cwd(), join(outdir, 'narwhal.mjs'))}: ${(result.outputFiles.find((f) => f.path.endsWith('.mjs')).contents.length / 2 ** 20).toFixed(1)} MiB from ${Object.keys(result.metafile.inputs).length} modules`);
