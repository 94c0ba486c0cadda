/**
 * Start-up benchmark: `narwhal --help` as whole processes, the way every CI step pays for it.
 *
 *   npx tsx bench/startup.ts [--runs 10]
 *
 * Times, alternating so that a change of load touches all alike: `node -e 0` (Node's own start), the
 * bundle run directly (dist/cli/narwhal.mjs, built first), bin/narwhal.mjs with that bundle current
 * (what an installed `narwhal` runs: the launcher checks the bundle's inputs, then imports it), and
 * bin/narwhal.mjs running the sources through tsx (NARWHAL_CLI=sources; what ran before the bundle).
 * Prints the median and the fastest run of each, wall clock and CPU (user + system).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundle, bundleIsCurrent, repoRoot } from './cli';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);

buildBundle();
const bin = path.join(repoRoot, 'bin/narwhal.mjs');
const variants: { name: string; argv: string[]; env?: Record<string, string>; launcherWithBundle?: boolean }[] = [
  { name: 'node -e 0 (Node alone)', argv: ['node', '-e', '0'] },
  { name: 'node dist/cli/narwhal.mjs --help (bundle)', argv: ['node', path.join(repoRoot, 'dist/cli/narwhal.mjs'), '--help'] },
  { name: 'node bin/narwhal.mjs --help (launcher + bundle)', argv: ['node', bin, '--help'], launcherWithBundle: true },
  { name: 'node bin/narwhal.mjs --help (sources through tsx)', argv: ['node', bin, '--help'], env: { NARWHAL_CLI: 'sources' } },
];

/** One run: wall seconds (including /usr/bin/time's own fork, a millisecond) and CPU seconds from the child's rusage. */
function once(argv: string[], env: Record<string, string> = {}): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: repoRoot });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user! + sys! };
}

const samples = variants.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
const loadBefore = loadavg()[0]!;
for (let i = 0; i < runs; i++) {
  variants.forEach((v, k) => {
    // Other work on the tree may make the bundle stale at any moment, and the launcher would then
    // run the sources: rebuild just before, and keep the run only if the bundle was still current after.
    for (let attempt = 0; ; attempt++) {
      if (v.launcherWithBundle) buildBundle();
      const { wall, cpu } = once(v.argv, v.env);
      if (v.launcherWithBundle && !bundleIsCurrent()) {
        if (attempt < 5) continue;
        throw new Error('the sources keep changing: the launcher did not run the bundle in 5 attempts');
      }
      samples[k]!.wall.push(wall);
      samples[k]!.cpu.push(cpu);
      break;
    }
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;
console.log(`${runs} runs each, load ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
variants.forEach((v, k) => {
  const { wall, cpu } = samples[k]!;
  console.log(`${v.name.padEnd(52)} wall median ${ms(median(wall)).padStart(7)}, fastest ${ms(Math.min(...wall)).padStart(7)}; CPU median ${ms(median(cpu)).padStart(7)}`);
});
