/**
 * Memory benchmark: the peak RSS of `narwhal push` of one large store path (1 GiB by default), against
 * the 300 MB target and against `nix copy --to file://…` of the same path, in the same run.
 *
 *   npx tsx bench/push-rss.ts [--mib 1024] [--methods zstd,xz] [--xz-level 1] [--cli bundle|sources] [--to folder|s3]
 *
 * The path is one file of pseudo-random text (words drawn from a small vocabulary by a seeded
 * generator: compressible, but not trivially so), written to a temporary folder and `nix-store --add`ed.
 * Each side pushes it unsigned to a fresh folder cache (`--to s3`: Narwhal pushes to a fresh bucket of a
 * Ceph RGW started here, in parts of 5 MiB; Debian's Nix has no S3 support, so there is no Nix figure
 * then); peak RSS is the maximum resident set size that
 * `/usr/bin/time -v` reports for the whole process (Debian package `time`), or, without it, VmHWM read
 * from /proc/PID/status just before the process exits. The store path is deleted at the end.
 * Not part of `npm test`: it prints figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startRgw, type Rgw } from '../scripts/testbed/rgw';
import { createBucket } from '../scripts/testbed/s3';
import { cliKind, narwhalCommand } from './cli';
import { nixEnv } from './corpus';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '1024' },
    methods: { type: 'string', default: 'zstd,xz' },
    'xz-level': { type: 'string', default: '1' },
    cli: { type: 'string', default: 'bundle' },
    to: { type: 'string', default: 'folder' },
  },
});
if (values.to !== 'folder' && values.to !== 's3') throw new Error(`--to ${values.to}: folder or s3`);
// The SDK's notice about Node 22 (createBucket here) would land in the figures' output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The bundle a user runs (built first), or the sources through tsx with --cli sources; see bench/cli.ts.
const narwhal = narwhalCommand(cliKind(values.cli!));
const targetBytes = 300 * 1e6;
const work = fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-rss-'));
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
const rgw: Rgw | undefined = values.to === 's3' ? await startRgw() : undefined;
const s3Env = rgw ? { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' } : {};
const env = { ...nixEnv, ...narwhal.env, ...s3Env, NIX_CONFIG: ['extra-experimental-features = nix-command', 'substituters =', 'build-users-group =', process.env.NIX_CONFIG ?? ''].join('\n') };

/** Writes `bytes` of seeded pseudo-random words to `file`, 1 MiB at a time (bounded memory here too). */
function writeCorpusFile(file: string, bytes: number): void {
  const words = Array.from({ length: 4096 }, (_, i) => (i * 2654435761).toString(36).slice(0, 3 + (i % 9)));
  let state = 0x9e3779b9;
  const next = () => {
    // xorshift32: deterministic, fast, good enough to defeat long matches.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(1 << 20);
  try {
    for (let written = 0; written < bytes; ) {
      let at = 0;
      while (at < block.length) {
        const r = next();
        const word = words[r & 4095]!;
        at += block.write(r & 0x10000 ? `${word}\n` : `${word} `, at, 'latin1');
      }
      const n = Math.min(block.length, bytes - written);
      fs.writeSync(fd, block, 0, n);
      written += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

const haveGnuTime = fs.existsSync('/usr/bin/time');

/** Runs argv, returns its wall time and peak RSS in bytes. */
async function measured(argv: string[]): Promise<{ seconds: number; peakRss: number }> {
  const t0 = performance.now();
  const full = haveGnuTime ? ['/usr/bin/time', '-v', ...argv] : argv;
  const child = spawn(full[0]!, full.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20000)));
  let polled = 0;
  const poll = haveGnuTime
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) polled = Math.max(polled, Number(m[1]) * 1024);
        } catch {
          // gone already
        }
      }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (poll) clearInterval(poll);
  if (code !== 0) throw new Error(`${argv.slice(0, 4).join(' ')} … exited with ${code}: ${stderr.slice(-3000)}`);
  const seconds = (performance.now() - t0) / 1000;
  if (!haveGnuTime) return { seconds, peakRss: polled };
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (!m) throw new Error(`no "Maximum resident set size" in /usr/bin/time's output: ${stderr.slice(-2000)}`);
  return { seconds, peakRss: Number(m[1]) * 1024 };
}

let storePath: string | undefined;
try {
  const source = path.join(work, 'narwhal-rss-blob');
  const bytes = Number(values.mib) * 2 ** 20;
  writeCorpusFile(source, bytes);
  storePath = execFileSync('nix-store', ['--add', source], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  fs.rmSync(source);
  console.log(`path: ${storePath} (${(bytes / 2 ** 20).toFixed(0)} MiB file); peak RSS by ${haveGnuTime ? '/usr/bin/time -v' : 'VmHWM of /proc/PID/status'}; target ${mb(targetBytes)}`);

  for (const method of values.methods!.split(',')) {
    const levelArgs = method === 'xz' && values['xz-level'] ? ['--level', values['xz-level']] : [];
    const nixParams = method === 'xz' && values['xz-level'] ? `compression=xz&compression-level=${values['xz-level']}` : `compression=${method}`;
    const ourDir = path.join(work, `ours-${method}`);
    const nixDir = path.join(work, `nix-${method}`);
    const to = rgw ? `s3://${await createBucket(rgw, `rss-${method}-${Date.now()}`)}?endpoint=${rgw.endpoint.replace(/^http:\/\//, '')}&scheme=http` : `file://${ourDir}`;
    const ours = await measured([...narwhal.argv, 'push', to, storePath, '--unsigned', '--compression', method, ...levelArgs]);
    fs.rmSync(ourDir, { recursive: true, force: true });
    const theirs = rgw ? undefined : await measured(['nix', 'copy', '--to', `file://${nixDir}?${nixParams}`, storePath]);
    fs.rmSync(nixDir, { recursive: true, force: true });
    console.log(
      `${method}${levelArgs.length ? ` level ${values['xz-level']}` : ''}: narwhal push to ${rgw ? 'RGW' : 'a folder'} peak RSS ${mb(ours.peakRss)} (${ours.peakRss < targetBytes ? 'under' : 'OVER'} the ${mb(targetBytes)} target), ${ours.seconds.toFixed(1)} s` +
        (theirs ? `; nix copy peak RSS ${mb(theirs.peakRss)}, ${theirs.seconds.toFixed(1)} s` : ''),
    );
  }
} finally {
  if (storePath) execFileSync('nix-store', ['--delete', storePath], { env, stdio: 'ignore' });
  fs.rmSync(work, { recursive: true, force: true });
  await rgw?.stop();
}
