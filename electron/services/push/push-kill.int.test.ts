import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../../scripts/testbed/inject';
import { nixCopyFromHttp, nixEnv, nixGenerateKey, run } from '../../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import { hashEquals } from '../../../shared/nix/hash';
import { parseNarinfo } from '../../../shared/nix/narinfo';

// The promise of the push engine (issue 7): whatever moment a push is killed, no narinfo in the cache
// lacks its NAR or any path of its closure, and running the same push again resumes and completes.
// Proved here the hard way: the real CLI as a child process, SIGKILLed at random moments, the cache
// read back after each kill, with no help from the code under test; Nix substitutes the final result.

const rgw = injectRgw();
const repo = join(__dirname, '..', '..', '..');
let work: string;
let env: NodeJS.ProcessEnv;
let key: { secret: string; public: string; file: string };
let closure: { top: string; all: string[] };

/**
 * A closure of 11 paths on 4 levels with references across them (top -> 2 uppers -> 4 mids -> 4
 * leaves, mid i referring to leaves i and i+1), each writing its references into a file. The leaves
 * are tiny, so the first narinfos go up right after the CLI starts; the 7 others carry `kib` KiB of
 * random bytes each (slow for xz), so the rest of the push lasts long enough to be killed in it.
 */
async function buildKillClosure(kib: number): Promise<{ top: string; all: string[] }> {
  const nonce = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const expr = `
    let
      mk = name: blocks: refs: derivation {
        name = "narwhal-kill-\${name}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" ''
          /bin/mkdir -p $out/data
          /bin/dd if=/dev/urandom of=$out/data/blob bs=1024 count=\${toString blocks} 2>/dev/null
          echo "${nonce} \${name}" > $out/data/name
          echo "\${builtins.concatStringsSep " " (map toString refs)}" > $out/refs
        '' ];
      };
      leaf = i: mk "leaf-\${toString i}" 1 [];
      mid = i: mk "mid-\${toString i}" ${kib} [ (leaf i) (leaf (if i == 3 then 0 else i + 1)) ];
      upper = i: mk "upper-\${toString i}" ${kib} [ (mid (2 * i)) (mid (2 * i + 1)) ];
      top = mk "top" ${kib} [ (upper 0) (upper 1) (mid 0) ];
    in top
  `;
  const top = (await run('nix-build', ['--no-out-link', '--expr', expr], { env: nixEnv() })).trim();
  const all = (await run('nix-store', ['--query', '--requisites', top], { env: nixEnv() })).trim().split('\n');
  return { top, all };
}

/** What the invariant check needs of a cache: its keys and the bytes of one. */
interface CacheReader {
  keys(): Promise<string[]>;
  get(key: string): Promise<Buffer | undefined>;
}

function folderReader(dir: string): CacheReader {
  return {
    keys: async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)),
    get: async (k) => readFile(join(dir, k)).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))),
  };
}

function bucketReader(bucket: string): CacheReader {
  const s3 = s3Client(rgw);
  return {
    async keys() {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return out;
    },
    async get(k) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
        throw e;
      }
    },
  };
}

/**
 * The cache invariant: every narinfo parses, its NAR exists with FileSize bytes and FileHash sha256,
 * and every reference has a narinfo (or is the path itself). Returns the problems (none when it
 * holds) and the store paths with a narinfo.
 */
async function checkCache(cache: CacheReader): Promise<{ problems: string[]; narinfos: Set<string>; keys: string[] }> {
  const keys = await cache.keys();
  const narinfoKeys = keys.filter((k) => /^[0-9a-z]{32}\.narinfo$/.test(k));
  const hashes = new Set(narinfoKeys.map((k) => k.slice(0, 32)));
  const problems: string[] = [];
  const narinfos = new Set<string>();
  for (const k of narinfoKeys) {
    const text = (await cache.get(k))?.toString('utf8');
    if (text === undefined) {
      problems.push(`${k}: listed but gone`);
      continue;
    }
    let info;
    try {
      info = parseNarinfo(text);
    } catch (e) {
      problems.push(`${k} does not parse: ${(e as Error).message}\n${text}`);
      continue;
    }
    narinfos.add(info.storePath);
    const nar = await cache.get(info.url);
    if (!nar) problems.push(`${k}: its NAR ${info.url} is missing`);
    else {
      if (nar.length !== info.fileSize) problems.push(`${k}: ${info.url} has ${nar.length} bytes, FileSize says ${info.fileSize}`);
      const actual = createHash('sha256').update(nar).digest();
      if (!info.fileHash || !hashEquals(info.fileHash, { algo: 'sha256', bytes: actual })) problems.push(`${k}: ${info.url} does not hash to its FileHash`);
    }
    for (const ref of info.references) if (!hashes.has(ref.slice(0, 32))) problems.push(`${k}: its reference ${ref} has no narinfo`);
  }
  return { problems, narinfos, keys };
}

/** When a push's kill timer starts: at its report of the cache's listing, or of its first NAR bytes read. */
type Anchor = 'listing' | 'streaming';

/**
 * `narwhal push --json` as a child process. With `kill`, SIGKILLs it `kill.ms` after the anchor event
 * (so the CLI's start-up and the workers' spin-up, whose length varies with the machine's load, do not
 * eat the random moments), unless it has ended. Returns how long after the listing it started
 * streaming NARs and ended.
 */
function push(url: string, kill?: { after: Anchor; ms: number }): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; streamMs: number; workMs: number }> {
  const argv = ['bin/narwhal.mjs', 'push', url, closure.top, '--key', key.file, '--compression', 'xz', '--jobs', '2', '--json'];
  const child = spawn(process.execPath, argv, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const at: Partial<Record<Anchor, number>> = {};
  let timer: NodeJS.Timeout | undefined;
  const reached = (anchor: Anchor) => {
    if (at[anchor] !== undefined) return;
    at[anchor] = performance.now();
    if (kill?.after === anchor) timer = setTimeout(() => child.kill('SIGKILL'), kill.ms);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    let nl;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const event = JSON.parse(stdout.slice(0, nl)) as { event: string; narBytesRead?: number; pathsDone?: number };
      stdout = stdout.slice(nl + 1);
      if (event.event === 'listing') reached('listing');
      if (event.event === 'progress' && (event.narBytesRead! > 0 || event.pathsDone! > 0)) reached('streaming');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const end = performance.now();
      const listing = at.listing ?? end;
      resolve({ code, signal, stderr, streamMs: (at.streaming ?? end) - listing, workMs: end - listing });
    });
  });
}

/**
 * Kills `kills` pushes to a cache at random moments, checking the invariant after each. One kill in
 * five falls between the listing and the first NAR bytes (uniform over `measured.streamMs`); the others
 * fall while NARs stream (uniform from the first NAR bytes over 1.1 × the streaming time of a whole
 * push × the share of the closure not yet in the cache), so resumed pushes, which have less to do, are
 * still killed in the middle, and some finish first. All pushes resume the same cache until one
 * completes it; then a fresh cache (`fresh()`) starts. Returns how the kills landed: in the middle of
 * the push (it had written something to the cache), before it wrote anything, or not at all (the push
 * ended first); and after how many the cache held some but not all of the closure.
 */
async function killRepeatedly(kills: number, measured: { streamMs: number; workMs: number }, fresh: () => Promise<{ url: string; reader: CacheReader }>) {
  const landed = { midPush: 0, beforeAnyWrite: 0, finishedFirst: 0, partialCache: 0 };
  let cache = await fresh();
  let present = 0;
  for (let i = 0; i < kills; i++) {
    const before = new Set(await cache.reader.keys());
    const kill: { after: Anchor; ms: number } =
      i % 5 === 0
        ? { after: 'listing', ms: Math.random() * measured.streamMs }
        : { after: 'streaming', ms: Math.random() * 1.1 * (measured.workMs - measured.streamMs) * (1 - present / closure.all.length) };
    const r = await push(cache.url, kill);
    const after = await checkCache(cache.reader);
    expect(after.problems, `after kill ${i + 1}, ${kill.ms.toFixed(0)} ms after its ${kill.after}`).toEqual([]);
    if (r.signal !== 'SIGKILL') {
      expect(r.code, r.stderr).toBe(0);
      landed.finishedFirst += 1;
    } else if (after.keys.some((k) => k !== 'nix-cache-info' && !before.has(k))) landed.midPush += 1;
    else landed.beforeAnyWrite += 1;
    present = closure.all.filter((p) => after.narinfos.has(p)).length;
    if (present > 0 && present < closure.all.length) landed.partialCache += 1;
    if (present === closure.all.length) {
      cache = await fresh();
      present = 0;
    }
  }
  return { landed, last: cache };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-push-kill-'));
  await writeFile(join(work, 'credentials'), ['[narwhal-test]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, `aws_secret_access_key = ${rgw.admin.secretAccessKey}`].join('\n'));
  env = {
    ...nixEnv(),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_CONFIG_FILE: join(work, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NARWHAL_DATA_DIR: join(work, 'data'),
    // The staging folders that killed pushes leave go with the test's folder.
    TMPDIR: join(work, 'tmp'),
  };
  await mkdir(join(work, 'tmp'));
  const generated = await nixGenerateKey('push-kill.example.org-1');
  key = { ...generated, file: join(work, 'push-kill.sec') };
  await writeFile(key.file, generated.secret, { mode: 0o600 });
  closure = await buildKillClosure(256);
  expect(closure.all.length).toBe(11);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a push killed at random moments', () => {
  it('folder cache: after each of 20 SIGKILLs every narinfo has its NAR and its closure; a last run completes and Nix substitutes it', async () => {
    // How long a whole push takes, to spread the kills over it.
    const measureDir = await mkdtemp(join(work, 'measure-'));
    const full = await push(`file://${measureDir}`);
    expect(full.code, full.stderr).toBe(0);
    expect((await checkCache(folderReader(measureDir))).narinfos.size).toBe(11);

    const fresh = async () => {
      const dir = await mkdtemp(join(work, 'cache-'));
      return { url: `file://${dir}`, reader: folderReader(dir) };
    };
    const { landed, last } = await killRepeatedly(20, full, fresh);
    console.log(`folder: a full push streams from ${full.streamMs.toFixed(0)} to ${full.workMs.toFixed(0)} ms after its listing; 20 kills: ${JSON.stringify(landed)}`);
    expect(landed.midPush).toBeGreaterThanOrEqual(3);
    expect(landed.partialCache).toBeGreaterThanOrEqual(1);

    const final = await push(last.url);
    expect(final.code, final.stderr).toBe(0);
    const done = await checkCache(last.reader);
    expect(done.problems).toEqual([]);
    expect([...done.narinfos].sort()).toEqual([...closure.all].sort());
    const substituted = await nixCopyFromHttp(last.url, closure.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  }, 240_000);

  it('RGW: after each of 5 SIGKILLs the bucket holds the invariant; a last run completes and Nix substitutes it', async () => {
    const endpoint = new URL(rgw.endpoint).host;
    const fresh = async () => {
      const bucket = await createBucket(rgw, uniqueBucketName('push-kill'));
      return { bucket, url: `s3://${bucket}?endpoint=${endpoint}&scheme=http&profile=narwhal-test`, reader: bucketReader(bucket) };
    };
    const measure = await fresh();
    const full = await push(measure.url);
    expect(full.code, full.stderr).toBe(0);

    const buckets: string[] = [];
    const { landed, last } = await killRepeatedly(5, full, async () => {
      const b = await fresh();
      buckets.push(b.bucket);
      return b;
    });
    console.log(`RGW: a full push streams from ${full.streamMs.toFixed(0)} to ${full.workMs.toFixed(0)} ms after its listing; 5 kills: ${JSON.stringify(landed)}`);
    expect(landed.midPush).toBeGreaterThanOrEqual(1);

    const final = await push(last.url);
    expect(final.code, final.stderr).toBe(0);
    const done = await checkCache(last.reader);
    expect(done.problems).toEqual([]);
    expect([...done.narinfos].sort()).toEqual([...closure.all].sort());
    const bucket = buckets.at(-1)!;
    await makeBucketPublicRead(rgw, bucket);
    const substituted = await nixCopyFromHttp(bucketUrl(rgw, bucket), closure.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  }, 240_000);
});
