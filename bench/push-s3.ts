/**
 * S3 push benchmark, against a real S3 (a Ceph RGW on loopback, started here):
 *  1. the same closure pushed by `narwhal push` to a folder and to a bucket, whole processes, in the
 *     same run (the target: the bucket push takes at most 1.3× the folder push);
 *  2. the S3 requests of a no-op push of a 1 000-path closure to a bucket that holds exactly it,
 *     counted by a pass-through proxy in front of RGW (target: at most 5; Nix 2.8 sends one per path).
 *
 *   npx tsx bench/push-s3.ts [--mb 150] [--paths 40] [--methods xz,zstd] [--noop-paths 1000]
 *
 * For reference it also times this RGW's own floor: the compressed NARs of the folder push uploaded
 * by the SDK alone, four at a time (a one-OSD Ceph on a 2-core machine takes some 15–30 MiB/s).
 * The corpus is bench/corpus.ts's real files. Needs Ceph's radosgw and Nix (scripts/ensure-deps.sh).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Upload } from '@aws-sdk/lib-storage';
import { startFaultProxy } from '../scripts/testbed/fault-proxy';
import { startRgw } from '../scripts/testbed/rgw';
import { createBucket, s3Client } from '../scripts/testbed/s3';
import { corpusStorePaths, nixEnv } from './corpus';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '150' },
    paths: { type: 'string', default: '40' },
    methods: { type: 'string', default: 'xz,zstd' },
    'noop-paths': { type: 'string', default: '1000' },
  },
});
// The SDK's notice about Node 22 would land in every figure's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const work = fs.mkdtempSync(path.join(tmpdir(), 'narwhal-bench-push-s3-'));
const rgw = await startRgw();
const env = { ...nixEnv, AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
const s3Url = (bucket: string, endpoint = rgw.endpoint) => `s3://${bucket}?endpoint=${endpoint.replace(/^http:\/\//, '')}&scheme=http`;

/** A push as a whole process. Asynchronous: the counting proxy runs in this process and must go on answering. */
async function timedPush(url: string, paths: string[], extra: string[]): Promise<number> {
  const t0 = performance.now();
  // The CLI takes its paths as arguments; a thousand store paths fit in one command line.
  const child = spawn('node', ['bin/narwhal.mjs', 'push', url, ...paths, '--unsigned', ...extra], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const [status] = (await once(child, 'exit')) as [number | null];
  if (status !== 0) throw new Error(`narwhal push ${url} failed: ${stderr}`);
  return (performance.now() - t0) / 1000;
}

/** The files of `dir` PUT to `bucket` by the SDK, four at a time: what this RGW takes at best. */
async function rawUpload(dir: string, bucket: string): Promise<{ seconds: number; bytes: number }> {
  const s3 = s3Client(rgw);
  const queue = fs.readdirSync(dir);
  let bytes = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const body = fs.readFileSync(path.join(dir, name));
      bytes += body.length;
      await new Upload({ client: s3, params: { Bucket: bucket, Key: `nar/${name}`, Body: body }, partSize: 5 * 2 ** 20, queueSize: 4 }).done();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  s3.destroy();
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

try {
  const corpus = corpusStorePaths(Number(values.mb) * 2 ** 20, Number(values.paths));
  console.log(`corpus: ${corpus.paths.length} store paths, ${(corpus.narBytes / 2 ** 20).toFixed(1)} MiB of NAR; ${availableParallelism()} cores; load ${loadavg()[0]!.toFixed(2)}`);
  for (const method of values.methods!.split(',')) {
    const folder = path.join(work, `folder-${method}`);
    const folderSeconds = await timedPush(`file://${folder}`, corpus.paths, ['--compression', method]);
    const bucket = await createBucket(rgw, `bench-${method}-${Date.now()}`);
    const s3Seconds = await timedPush(s3Url(bucket), corpus.paths, ['--compression', method]);
    const floor = await rawUpload(path.join(folder, 'nar'), await createBucket(rgw, `bench-raw-${method}-${Date.now()}`));
    console.log(
      `${method.padEnd(5)} folder ${folderSeconds.toFixed(2)} s, RGW ${s3Seconds.toFixed(2)} s, ratio ${(s3Seconds / folderSeconds).toFixed(2)} (target ≤ 1.3); ` +
        `the same ${(floor.bytes / 2 ** 20).toFixed(1)} MiB of NAR files uploaded by the SDK alone ${floor.seconds.toFixed(2)} s`,
    );
  }

  // 1 000 tiny files, each its own store path: a closure of 1 000 paths with no references.
  const count = Number(values['noop-paths']);
  const files = path.join(work, 'noop');
  fs.mkdirSync(files);
  const sources = Array.from({ length: count }, (_, i) => {
    const file = path.join(files, `noop-${i}-${Date.now()}`);
    fs.writeFileSync(file, `bench no-op path ${i}\n`);
    return file;
  });
  const added = spawnSync('nix-store', ['--add', ...sources], { env: nixEnv, maxBuffer: 1 << 26 });
  if (added.status !== 0) throw new Error(`nix-store --add failed: ${added.stderr.toString()}`);
  const noopPaths = added.stdout.toString().trim().split('\n');
  const proxy = await startFaultProxy(rgw.endpoint);
  const bucket = await createBucket(rgw, `bench-noop-${Date.now()}`);
  await timedPush(s3Url(bucket, proxy.url), noopPaths, ['--compression', 'zstd']);
  const before = proxy.requests;
  const seconds = await timedPush(s3Url(bucket, proxy.url), noopPaths, ['--compression', 'zstd']);
  console.log(`no-op push of a ${noopPaths.length}-path closure: ${proxy.requests - before} S3 requests (target ≤ 5; Nix 2.8: one per path, ${noopPaths.length}), ${seconds.toFixed(2)} s`);
  await proxy.close();
} finally {
  await rgw.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
