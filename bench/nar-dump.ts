/**
 * NAR dump benchmark: our dumpPath against `nix-store --dump`.
 *
 *   npx tsx bench/nar-dump.ts [PATH] [--runs N]
 *
 * PATH defaults to `nix-store --add /usr/lib/python3.11` (about 52 MB, 1,500 files). Both sides are
 * checked to produce the same sha256 first; then each is timed `--runs` times (default 5) on a warm
 * page cache, twice: writing to nowhere (raw dump speed; Nix writes to /dev/null) and through sha256
 * in this process (what computing a NarHash costs). Prints the medians, the ratio, and the peak RSS
 * of this process, which only ever runs our dumper (Nix runs as a child).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { dumpPath } from '../electron/services/nar/nar-writer';

const env = { ...process.env, NIX_REMOTE: process.env.NIX_REMOTE ?? 'local' };

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '5' } },
  allowPositionals: true,
});
const runs = Math.max(1, Number(values.runs));

function defaultPath(): string {
  process.stderr.write('adding /usr/lib/python3.11 to the Nix store...\n');
  return execFileSync('nix-store', ['--add', '/usr/lib/python3.11'], { env, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

const target = positionals[0] ?? defaultPath();

async function ours(hash: boolean): Promise<{ ms: number; sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  const t0 = performance.now();
  for await (const chunk of dumpPath(target)) {
    if (hash) h.update(chunk);
    bytes += chunk.length;
  }
  return { ms: performance.now() - t0, sha256: hash ? h.digest('hex') : '', bytes };
}

async function nix(hash: boolean): Promise<{ ms: number; sha256: string; bytes: number }> {
  const t0 = performance.now();
  if (!hash) {
    const devNull = fs.openSync('/dev/null', 'w');
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn('nix-store', ['--dump', target], { env, stdio: ['ignore', devNull, 'ignore'] });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nix-store --dump exited with ${code}`))));
      });
    } finally {
      fs.closeSync(devNull);
    }
    return { ms: performance.now() - t0, sha256: '', bytes: 0 };
  }
  const h = createHash('sha256');
  let bytes = 0;
  const child = spawn('nix-store', ['--dump', target], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  for await (const chunk of child.stdout) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  if ((await exited) !== 0) throw new Error('nix-store --dump failed');
  return { ms: performance.now() - t0, sha256: h.digest('hex'), bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rssBefore = process.memoryUsage().rss;
// Correctness first (this also warms the page cache for both).
const a = await ours(true);
// Peak RSS now covers only our dumper; later rounds also hash Nix's output in this process.
const peakOurs = process.resourceUsage().maxRSS * 1024;
const b = await nix(true);
if (a.sha256 !== b.sha256 || a.bytes !== b.bytes) {
  console.error(`MISMATCH: ours ${a.sha256} (${a.bytes} bytes), nix ${b.sha256} (${b.bytes} bytes)`);
  process.exit(1);
}
console.log(`path:     ${target}`);
console.log(`NAR:      ${a.bytes} bytes, sha256 ${a.sha256} (identical)`);

for (const hash of [false, true]) {
  const o: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < runs; i++) {
    o.push((await ours(hash)).ms);
    n.push((await nix(hash)).ms);
  }
  const mo = median(o);
  const mn = median(n);
  const label = hash ? 'dump + sha256  ' : 'dump only      ';
  console.log(
    `${label} ours ${mo.toFixed(0)} ms (${(a.bytes / 2 ** 20 / (mo / 1000)).toFixed(0)} MiB/s), ` +
      `nix-store ${mn.toFixed(0)} ms, ratio ours/nix ${(mo / mn).toFixed(2)}  (median of ${runs})`,
  );
}
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
console.log(
  `peak RSS: ${mib(peakOurs)} after our first dump (${mib(rssBefore)} before it), ` +
    `${mib(process.resourceUsage().maxRSS * 1024)} at the end`,
);
