/**
 * Push benchmark: `narwhal push` against `nix copy --to file://…` of the same store paths, in the same
 * run, both timed as whole processes (so the CLI's start-up through tsx counts).
 *
 *   npx tsx bench/push.ts [--mb 150] [--paths 40] [--methods xz,zstd,none] [--jobs N]
 *
 * The corpus is real files from this machine (python3.11 and the largest locale folders, each its own
 * store path; see bench/corpus.ts), at least `--mb` MiB of NAR in at least `--paths` paths. Both sides
 * push them unsigned to a fresh folder cache. For xz it also times `xz -6 -T0` alone on the same NAR
 * bytes, the physical limit of this machine. Prints seconds, compressed sizes and the ratios.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { corpusStorePaths, nixEnv } from './corpus';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '150' },
    paths: { type: 'string', default: '40' },
    methods: { type: 'string', default: 'xz,zstd,none' },
    jobs: { type: 'string', default: String(availableParallelism()) },
  },
});
const work = fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-push-'));
const corpus = corpusStorePaths(Number(values.mb) * 2 ** 20, Number(values.paths));
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
console.log(`corpus: ${corpus.paths.length} store paths, ${mib(corpus.narBytes)} MiB of NAR; ${availableParallelism()} cores; load ${loadavg()[0]!.toFixed(2)}`);

function timed(argv: string[], options: { input?: string } = {}): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: nixEnv, stdio: ['pipe', 'ignore', 'pipe'], input: options.input, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')} … failed: ${r.stderr?.toString().slice(-2000)}`);
  return (performance.now() - t0) / 1000;
}

function dirBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

const rows: string[] = [];
for (const method of values.methods!.split(',')) {
  const nixDir = path.join(work, `nix-${method}`);
  const ourDir = path.join(work, `ours-${method}`);
  const nixSeconds = timed(['nix', '--extra-experimental-features', 'nix-command', 'copy', '--to', `file://${nixDir}?compression=${method}`, ...corpus.paths]);
  fs.mkdirSync(ourDir);
  fs.writeFileSync(path.join(ourDir, 'nix-cache-info'), 'StoreDir: /nix/store\n');
  const oursSeconds = timed(['node', 'bin/narwhal.mjs', 'push', `file://${ourDir}`, ...corpus.paths, '--compression', method, '--unsigned', '--jobs', values.jobs!]);
  const nixSize = dirBytes(path.join(nixDir, 'nar'));
  const ourSize = dirBytes(path.join(ourDir, 'nar'));
  let limit = '';
  if (method === 'xz') {
    // xz alone on the same NAR bytes, one NAR after another: what compression costs here at best.
    let xzSeconds = 0;
    for (const p of corpus.paths) xzSeconds += timed(['sh', '-c', 'nix-store --dump "$1" | xz -6 -T0 > /dev/null', 'sh', p]);
    limit = `; xz -6 -T0 alone ${xzSeconds.toFixed(1)} s, ours/xz ${(oursSeconds / xzSeconds).toFixed(2)}`;
  }
  rows.push(
    `${method.padEnd(5)} nix copy ${nixSeconds.toFixed(2)} s, narwhal push ${oursSeconds.toFixed(2)} s, ratio ${(oursSeconds / nixSeconds).toFixed(2)}; ` +
      `size ${mib(ourSize)} vs ${mib(nixSize)} MiB (${((ourSize / nixSize - 1) * 100).toFixed(1)}%)${limit}`,
  );
  console.log(rows.at(-1));
}
fs.rmSync(work, { recursive: true, force: true });
