/**
 * Push benchmark: `narwhal push` against `nix copy --to file://…` of the same store paths, in the same
 * run, both timed as whole processes (so the CLI's start-up counts).
 *
 *   npx tsx bench/push.ts [--mb 150] [--paths 40] [--methods xz,zstd,none] [--jobs N] [--runs 1] [--cli bundle|sources]
 *
 * `--jobs` is passed on only when given (else the CLI's default, two more than the cores, at most 10).
 * `narwhal` is the bundle a user runs (dist/cli/narwhal.mjs, built first; see bench/cli.ts), or with
 * `--cli sources` the TypeScript through tsx. With `--runs N` each side runs N times, taking turns (so
 * a change of load on a shared machine touches both alike), and the medians are compared; xz runs once.
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
import { cliKind, narwhalCommand } from './cli';
import { corpusStorePaths, nixEnv } from './corpus';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '150' },
    paths: { type: 'string', default: '40' },
    methods: { type: 'string', default: 'xz,zstd,none' },
    jobs: { type: 'string' },
    runs: { type: 'string', default: '1' },
    cli: { type: 'string', default: 'bundle' },
  },
});
const narwhal = narwhalCommand(cliKind(values.cli!));
const work = fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-push-'));
const corpus = corpusStorePaths(Number(values.mb) * 2 ** 20, Number(values.paths));
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
console.log(`corpus: ${corpus.paths.length} store paths, ${mib(corpus.narBytes)} MiB of NAR; ${availableParallelism()} cores; load ${loadavg()[0]!.toFixed(2)}`);

/** CPU seconds (user + system) of the last process `timed` ran, all its threads and children. */
let lastCpu = NaN;
const haveGnuTime = fs.existsSync('/usr/bin/time');

/**
 * Wall seconds of a whole process. Its CPU time goes to `lastCpu` (through /usr/bin/time, when there):
 * on a machine that others load, wall time tracks CPU time more than parallelism.
 */
function timed(argv: string[], options: { input?: string; env?: Record<string, string> } = {}): number {
  const full = haveGnuTime ? ['/usr/bin/time', '-f', 'narwhal-bench-cpu %U %S', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(full[0]!, full.slice(1), { env: { ...nixEnv, ...options.env }, stdio: ['pipe', 'ignore', 'pipe'], input: options.input, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${argv.slice(0, 3).join(' ')} … failed: ${r.stderr?.toString().slice(-2000)}`);
  const cpu = /narwhal-bench-cpu (\S+) (\S+)\s*$/.exec(r.stderr?.toString() ?? '');
  lastCpu = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
  return seconds;
}

function dirBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const rows: string[] = [];
for (const method of values.methods!.split(',')) {
  const runs = method === 'xz' ? 1 : Number(values.runs);
  const nixRuns: number[] = [];
  const ourRuns: number[] = [];
  const nixCpu: number[] = [];
  const ourCpu: number[] = [];
  let nixSize = 0;
  let ourSize = 0;
  for (let run = 0; run < runs; run++) {
    // Fresh caches for every run: both sides push everything each time.
    const nixDir = path.join(work, `nix-${method}-${run}`);
    const ourDir = path.join(work, `ours-${method}-${run}`);
    nixRuns.push(timed(['nix', '--extra-experimental-features', 'nix-command', 'copy', '--to', `file://${nixDir}?compression=${method}`, ...corpus.paths]));
    nixCpu.push(lastCpu);
    fs.mkdirSync(ourDir);
    fs.writeFileSync(path.join(ourDir, 'nix-cache-info'), 'StoreDir: /nix/store\n');
    ourRuns.push(timed([...narwhal.argv, 'push', `file://${ourDir}`, ...corpus.paths, '--compression', method, '--unsigned', ...(values.jobs ? ['--jobs', values.jobs] : [])], { env: narwhal.env }));
    ourCpu.push(lastCpu);
    nixSize = dirBytes(path.join(nixDir, 'nar'));
    ourSize = dirBytes(path.join(ourDir, 'nar'));
    fs.rmSync(nixDir, { recursive: true, force: true });
    fs.rmSync(ourDir, { recursive: true, force: true });
  }
  const nixSeconds = median(nixRuns);
  const oursSeconds = median(ourRuns);
  let limit = '';
  if (method === 'xz') {
    // xz alone on the same NAR bytes, one NAR after another: what compression costs here at best.
    let xzSeconds = 0;
    for (const p of corpus.paths) xzSeconds += timed(['sh', '-c', 'nix-store --dump "$1" | xz -6 -T0 > /dev/null', 'sh', p]);
    limit = `; xz -6 -T0 alone ${xzSeconds.toFixed(1)} s, ours/xz ${(oursSeconds / xzSeconds).toFixed(2)}`;
  }
  const spread = runs > 1 ? ` (medians of ${runs}; nix ${nixRuns.map((s) => s.toFixed(2)).join(' ')}, narwhal ${ourRuns.map((s) => s.toFixed(2)).join(' ')})` : '';
  rows.push(
    `${method.padEnd(5)} nix copy ${nixSeconds.toFixed(2)} s, narwhal push ${oursSeconds.toFixed(2)} s, ratio ${(oursSeconds / nixSeconds).toFixed(2)}; ` +
      `CPU ${median(ourCpu).toFixed(2)} vs ${median(nixCpu).toFixed(2)} s; ` +
      `size ${mib(ourSize)} vs ${mib(nixSize)} MiB (${((ourSize / nixSize - 1) * 100).toFixed(1)}%)${limit}${spread}; load ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(rows.at(-1));
}
fs.rmSync(work, { recursive: true, force: true });
