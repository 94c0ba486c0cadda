/**
 * NAR compression benchmark: our worker-thread compressors against the reference programs, on the
 * same NAR bytes, in the same run.
 *
 *   npx tsx bench/compress.ts [--mb 150] [--paths 40] [--methods xz,zstd,gzip,bzip2,none] [--jobs N] [--keep DIR]
 *
 * The corpus is real files from this machine: /usr/lib/python3.11 and the largest locale folders of
 * /usr/share/locale, each added to the Nix store as its own path, until their NARs add up to `--mb`
 * MiB in at least `--paths` paths (the push benchmark's corpus: at least 150 MB in at least 40
 * paths). Each NAR is dumped once to a temporary folder, so every contender reads the same bytes
 * from the page cache.
 *
 * For each method it times, over all the NARs:
 *   - the reference program, one NAR after another (xz -6 -T0, and xz -6 -T1 which is Nix's own
 *     single-threaded default; zstd -3; gzip -6; bzip2 -9; sha256sum for none);
 *   - ours, one NAR after another, the codec using every core (threads 0);
 *   - ours, `--jobs` NARs at once (default: one per core), one codec thread each: how a push runs.
 * and prints time and compressed size, each as a ratio to the first reference line. Every output of
 * ours is checked to decompress (with the reference program) to the NAR's sha256.
 *
 * The machine may be shared: the load average is printed with the figures, and ratios from one run
 * (same conditions for both sides) are what to compare.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { compressionPool, createCompressor } from '../electron/services/compress/compress';
import { COMPRESSION_METHODS, isCompressionMethod, type CompressionMethod } from '../shared/push/compression';
import { mapConcurrent } from '../electron/services/util/map-concurrent';
import { corpusSources } from './corpus';

const env = { ...process.env, NIX_REMOTE: process.env.NIX_REMOTE ?? 'local' };
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '150' },
    paths: { type: 'string', default: '40' },
    methods: { type: 'string', default: COMPRESSION_METHODS.join(',') },
    jobs: { type: 'string', default: String(availableParallelism()) },
    keep: { type: 'string' },
  },
});
const targetBytes = Number(values.mb) * 2 ** 20;
const targetPaths = Number(values.paths);
const jobs = Math.max(1, Number(values.jobs));
const methods = values.methods!.split(',').map((m) => {
  if (!isCompressionMethod(m)) throw new Error(`unknown method ${m}; use ${COMPRESSION_METHODS.join(', ')}`);
  return m;
});

// --- corpus -------------------------------------------------------------------------------------
const dir = values.keep ?? fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-compress-'));
fs.mkdirSync(dir, { recursive: true });

interface Nar {
  file: string;
  size: number;
  sha256: string;
}

const nars: Nar[] = [];
let total = 0;
process.stderr.write(`adding paths to the Nix store and dumping their NARs to ${dir} ...\n`);
for (const src of corpusSources()) {
  if (total >= targetBytes && nars.length >= targetPaths) break;
  const storePath = execFileSync('nix-store', ['--add', src], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const file = path.join(dir, `${path.basename(storePath)}.nar`);
  if (!fs.existsSync(file)) {
    execFileSync('sh', ['-c', 'nix-store --dump "$1" > "$2"', 'sh', storePath, file], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  }
  const h = createHash('sha256');
  for await (const b of fs.createReadStream(file)) h.update(b as Buffer);
  const size = fs.statSync(file).size;
  nars.push({ file, size, sha256: h.digest('hex') });
  total += size;
}
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
console.log(`corpus: ${nars.length} store paths, ${mib(total)} MiB of NAR (python3.11 and locale folders)`);
console.log(`cores: ${availableParallelism()}, jobs for the parallel rows: ${jobs}, load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// --- contenders ---------------------------------------------------------------------------------
interface Result {
  seconds: number;
  bytes: number;
}

/** A program reading a NAR on stdin; counts what it writes. */
function program(argv: string[], nar: Nar): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [fs.openSync(nar.file, 'r'), 'pipe', 'inherit'] });
    let n = 0;
    child.stdout!.on('data', (b: Buffer) => (n += b.length));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(n) : reject(new Error(`${argv.join(' ')} exited with ${code}`))));
  });
}

async function reference(argv: string[]): Promise<Result> {
  const t0 = performance.now();
  let bytes = 0;
  for (const nar of nars) bytes += await program(argv, nar);
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

const DECOMPRESS: Record<CompressionMethod, string[] | undefined> = {
  xz: ['xz', '-d', '-c'],
  zstd: ['zstd', '-d', '-c', '-q'],
  bzip2: ['bzip2', '-d', '-c'],
  gzip: ['gzip', '-d', '-c'],
  none: undefined,
};

/** Compresses one NAR with ours into a file; checks the digests and, later, the round trip. */
async function oursOne(method: CompressionMethod, threads: number, nar: Nar, out: string): Promise<number> {
  const c = createCompressor(method, { threads });
  await pipeline(fs.createReadStream(nar.file, { highWaterMark: 1 << 20 }), c, fs.createWriteStream(out));
  const d = await c.digests;
  const hex = Buffer.from(d.input.hash.bytes).toString('hex');
  if (hex !== nar.sha256 || d.input.size !== nar.size) throw new Error(`${method}: wrong NarHash for ${nar.file}`);
  return d.output.size;
}

async function ours(method: CompressionMethod, threads: number, parallel: number): Promise<Result> {
  const outs = nars.map((n) => `${n.file}.${method}`);
  const t0 = performance.now();
  const sizes = await mapConcurrent(nars, parallel, (nar, i) => oursOne(method, threads, nar, outs[i]!));
  const seconds = (performance.now() - t0) / 1000;
  // Not timed: what we wrote must decompress, with the reference program, to the NAR.
  const back = DECOMPRESS[method];
  for (const [i, nar] of nars.entries()) {
    const h = createHash('sha256');
    if (back) {
      const child = spawn(back[0]!, [...back.slice(1), outs[i]!], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      for await (const b of child.stdout) h.update(b as Buffer);
      if ((await exited) !== 0) throw new Error(`${back.join(' ')} ${outs[i]} failed`);
    } else {
      for await (const b of fs.createReadStream(outs[i]!)) h.update(b as Buffer);
    }
    if (h.digest('hex') !== nar.sha256) throw new Error(`${method}: ${outs[i]} does not decompress to the NAR`);
    fs.rmSync(outs[i]!);
  }
  return { seconds, bytes: sizes.reduce((a, b) => a + b, 0) };
}

const REFERENCES: Record<CompressionMethod, { label: string; argv: string[] }[]> = {
  xz: [
    { label: 'xz -6 -T0', argv: ['xz', '-6', '-T0', '-c'] },
    { label: 'xz -6 -T1 (Nix default)', argv: ['xz', '-6', '-T1', '-c'] },
  ],
  zstd: [{ label: 'zstd -3', argv: ['zstd', '-3', '-c', '-q'] }],
  gzip: [{ label: 'gzip -6', argv: ['gzip', '-6', '-c'] }],
  bzip2: [{ label: 'bzip2 -9', argv: ['bzip2', '-9', '-c'] }],
  none: [{ label: 'sha256sum', argv: ['sha256sum'] }],
};

// --- run ----------------------------------------------------------------------------------------
// Start the workers first (one per job): their start-up is paid once per process, not per NAR.
await mapConcurrent(Array.from({ length: jobs }), jobs, () => oursOne('none', 1, nars.at(-1)!, path.join(dir, 'warm-up')));
fs.rmSync(path.join(dir, 'warm-up'));
console.log('');
console.log(`${'method'.padEnd(7)} ${'contender'.padEnd(34)} ${'seconds'.padStart(8)} ${'x ref'.padStart(6)} ${'MiB out'.padStart(9)} ${'x ref'.padStart(7)}`);
for (const method of methods) {
  const rows: { label: string; r: Result }[] = [];
  for (const ref of REFERENCES[method]) rows.push({ label: ref.label, r: await reference(ref.argv) });
  rows.push({ label: 'ours, one NAR at a time, threads 0', r: await ours(method, 0, 1) });
  rows.push({ label: `ours, ${jobs} NARs at once, threads 1`, r: await ours(method, 1, jobs) });
  const base = rows[0]!.r;
  for (const { label, r } of rows) {
    console.log(
      `${method.padEnd(7)} ${label.padEnd(34)} ${r.seconds.toFixed(2).padStart(8)} ${(r.seconds / base.seconds).toFixed(2).padStart(6)} ` +
        `${mib(r.bytes).padStart(9)} ${(method === 'none' ? '' : (r.bytes / base.bytes).toFixed(4)).padStart(7)}`,
    );
  }
}
console.log(`\nload average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`peak RSS of this process (workers included): ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);
await compressionPool().close();
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
