#!/usr/bin/env node
// dist/cli/narwhal.mjs: starts the bundled CLI (narwhal.cjs, next to this file) from V8's code cache.
//
// Compiling the 2 MB bundle was a third of the command's start-up. Node 20 keeps no compile cache
// for modules of its own accord (22 has module.enableCompileCache), so this runs the bundle as a
// script whose compiled code V8 can save and take back. The build writes narwhal.cjs.cache
// (electron/cli/build.mjs runs `--help` once). Each command then gets a cache of its own,
// narwhal.cjs.<command>.cache, written after its first successful run, so the functions that command
// runs are in it: V8 compiles a function when it first runs, and a push started from the build's
// cache spent 30 ms compiling its own code. A cache is written again whenever it is missing, made
// from another bundle, or made by another Node or V8 (which V8 rejects; the code is then compiled
// from source, as without a cache). The bundle is CommonJS in form, with `import.meta.url` replaced
// by __narwhalModuleUrl, so it finds its worker and the UI relative to itself as the sources do.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const bundle = new URL('./narwhal.cjs', import.meta.url);
const buildCache = new URL('./narwhal.cjs.cache', import.meta.url);
// The command's name, when the first argument is one (`push`, `key`, ...); `--help` and friends use
// the build's cache.
const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : undefined;
const cache = command ? new URL(`./narwhal.cjs.${command}.cache`, import.meta.url) : buildCache;
const filename = fileURLToPath(bundle);

// A push or copy spends its time in native code (zstd, xz, sha256, file and network calls) while its
// JavaScript mostly moves chunks along, yet V8's optimising compiler compiled every function it found
// warm, on threads of its own: 0.2 s of CPU in a 1.4 s zstd push, taken from the compression workers
// on a two-core machine. For these commands a function must run 16 times as long (V8's interrupt
// budget, 67 584 by default in Node 20) before it is optimised: what runs long (the XML parsing of a
// big bucket's listing) still is, a little later. Measured in turns: the 40-path zstd push 1.46 s by
// default, 1.36 s with this, 1.39 s with no optimising at all; a no-op push to a bucket of 30 000
// narinfos 2.0 s, 2.15 s and 2.6 s.
if (command === 'push' || command === 'copy') v8.setFlagsFromString('--interrupt-budget=1081344');

// The wrapper is on the bundle's first line, so line numbers in stack traces stay the bundle's. The
// bundle is ASCII (esbuild escapes the rest), which latin1 reads fastest.
const source = `(function (exports, require, module, __filename, __dirname, __narwhalModuleUrl) {${readFileSync(bundle, 'latin1')}\n})`;
// A cache starts with the identity of the bundle file it was made from (the build renames a new
// file into place, so a new bundle is a new inode). V8's own check compares only the source's
// length: a rebuilt bundle of the same length would otherwise run the old bundle's compiled code.
const { ino, size, mtimeMs } = statSync(bundle);
const identity = Buffer.from(`${ino}:${size}:${mtimeMs}\n`);
/** The compiled code in `file`, if it was made from this bundle. */
function cachedCode(file) {
  try {
    const saved = readFileSync(file);
    if (saved.subarray(0, identity.length).equals(identity)) return saved.subarray(identity.length);
  } catch {
    // No cache yet: written after the command.
  }
  return undefined;
}
const ownCache = cachedCode(cache);
const cachedData = ownCache ?? (command ? cachedCode(buildCache) : undefined);
const script = new vm.Script(source, { filename, cachedData });
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, filename, fileURLToPath(new URL('.', bundle)), bundle.href);

let succeeded = false;
try {
  await module.exports.main();
  succeeded = !process.exitCode;
} finally {
  // After the command, so the functions it compiled are in the cache too; a command's own cache only
  // after it succeeded (not for a misspelt command). Best effort: a folder the user cannot write (an
  // installation owned by root) only means no cache.
  if ((ownCache === undefined || script.cachedDataRejected) && (succeeded || !command)) {
    const temporary = `${fileURLToPath(cache)}.tmp-${process.pid}`;
    try {
      writeFileSync(temporary, Buffer.concat([identity, script.createCachedData()]));
      renameSync(temporary, cache);
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}

// Then exit at once. Left to itself, Node would tear down the heaps first (a push leaves a few hundred
// MiB mapped), and munmap is slow in the VMs we run in: 60-70 ms after the command had finished,
// longer than Nix's whole no-op copy. The command has ended; only what is written to stdout and
// stderr must not be cut (pipes are asynchronous on macOS), so both are drained first.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit();
