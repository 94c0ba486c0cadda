import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../../../scripts/testbed/fault-proxy';
import { startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildClosure, nixCopyFromHttp, nixEnv, nixGenerateKey, run } from '../../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import { hashEquals } from '../../../shared/nix/hash';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { parseStoreUrl } from '../../../shared/caches/store-url';
import { openStore } from '../stores/open-store';
import { sweepIncompleteUploads } from './sweep-multipart';

// The promise of the push engine (issue 7): whatever moment a push is killed, no narinfo in the cache
// lacks its NAR or any path of its closure, and running the same push again resumes and completes.
// Proved here the hard way: the real CLI as a child process, SIGKILLed at random moments, the cache
// read back after each kill, with no help from the code under test; Nix substitutes the final result.

const rgw = injectRgw();
const repo = join(__dirname, '..', '..', '..');
let work: string;
let env: NodeJS.ProcessEnv;
let key: { secret: string; public: string; file: string };
interface Closure {
  top: string;
  all: string[];
}
let closure: Closure;

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
  return buildClosure(expr);
}

/**
 * A closure of 4 paths whose NARs are several S3 parts each (top -> a, b; a -> c), of 21 to 28 MiB of
 * random bytes, so that pushed with compression none and 5 MiB parts every NAR goes up as a multipart
 * upload of 5 or 6 parts. Returns each path's NAR size too.
 */
async function buildMultipartClosure(): Promise<Closure & { narSize: Map<string, number> }> {
  const nonce = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const expr = `
    let
      mk = name: mib: refs: derivation {
        name = "narwhal-kill-parts-\${name}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" ''
          /bin/mkdir -p $out/data
          /bin/dd if=/dev/urandom of=$out/data/blob bs=1048576 count=\${toString mib} iflag=fullblock 2>/dev/null
          echo "${nonce} \${name}" > $out/data/name
          echo "\${builtins.concatStringsSep " " (map toString refs)}" > $out/refs
        '' ];
      };
      c = mk "c" 28 [];
      a = mk "a" 26 [ c ];
      b = mk "b" 21 [];
    in mk "top" 23 [ a b ]
  `;
  const { top, all } = await buildClosure(expr);
  const narSize = new Map<string, number>();
  for (const path of all) narSize.set(path, Number((await run('nix-store', ['--query', '--size', path], { env: nixEnv() })).trim()));
  return { top, all, narSize };
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
/** A kill timed from an anchor, or sent by the test when it sees something (`arm` gets the sender). */
type Kill = { after: Anchor; ms: number } | { arm: (send: () => void) => void; signal: NodeJS.Signals };

/** What is pushed, and how (the kill closure with xz unless told otherwise). */
interface PushRun {
  closure?: Closure;
  compression?: string;
}

/**
 * `narwhal push --json` as a child process. With a timed `kill`, SIGKILLs it `kill.ms` after the anchor
 * event (so the CLI's start-up and the workers' spin-up, whose length varies with the machine's load,
 * do not eat the random moments), unless it has ended; with an outside one, when the test says.
 * Returns how long after the listing it started streaming NARs and ended.
 */
function push(url: string, kill?: Kill, run: PushRun = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; streamMs: number; workMs: number }> {
  const argv = ['bin/narwhal.mjs', 'push', url, (run.closure ?? closure).top, '--key', key.file, '--compression', run.compression ?? 'xz', '--jobs', '2', '--json'];
  const child = spawn(process.execPath, argv, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (kill && 'arm' in kill) kill.arm(() => child.kill(kill.signal));
  let stdout = '';
  let stderr = '';
  const at: Partial<Record<Anchor, number>> = {};
  let timer: NodeJS.Timeout | undefined;
  const reached = (anchor: Anchor) => {
    if (at[anchor] !== undefined) return;
    at[anchor] = performance.now();
    if (kill && 'after' in kill && kill.after === anchor) timer = setTimeout(() => child.kill('SIGKILL'), kill.ms);
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
 * Random kill moments over a push timed by `measured`. One kill in five falls between the listing and
 * the first NAR bytes (uniform over `measured.streamMs`); the others fall while NARs stream (uniform
 * from the first NAR bytes over 1.1 × the streaming time of a whole push × the share of the closure
 * not yet in the cache), so resumed pushes, which have less to do, are still killed in the middle, and
 * some finish first.
 */
function timedKills(measured: { streamMs: number; workMs: number }) {
  return (i: number, present: ReadonlySet<string>): Kill =>
    i % 5 === 0
      ? { after: 'listing', ms: Math.random() * measured.streamMs }
      : { after: 'streaming', ms: Math.random() * 1.1 * (measured.workMs - measured.streamMs) * (1 - present.size / closure.all.length) };
}

const describeKill = (kill: Kill) => ('after' in kill ? `${kill.ms.toFixed(0)} ms after its ${kill.after}` : `sent by the test (${kill.signal})`);

/**
 * Kills `kills` pushes to a cache at the moments `chooseKill` picks (given the paths of the closure
 * the cache has), checking the invariant after each. All pushes resume the same cache until one
 * completes it; then a fresh cache (`fresh()`) starts. Returns how the kills landed: in the middle of
 * the push (it had written something to the cache), before it wrote anything, or not at all (the push
 * ended first); and after how many the cache held some but not all of the closure.
 */
async function killRepeatedly<C extends { url: string; reader: CacheReader }>(
  kills: number,
  chooseKill: (i: number, present: ReadonlySet<string>) => Kill,
  fresh: () => Promise<C>,
  run: PushRun & { afterKill?: (cache: C, killed: boolean, i: number) => Promise<void> } = {},
) {
  const pushed = run.closure ?? closure;
  const landed = { midPush: 0, beforeAnyWrite: 0, finishedFirst: 0, partialCache: 0 };
  let cache = await fresh();
  let present = new Set<string>();
  for (let i = 0; i < kills; i++) {
    const before = new Set(await cache.reader.keys());
    const kill = chooseKill(i, present);
    const r = await push(cache.url, kill, run);
    const after = await checkCache(cache.reader);
    expect(after.problems, `after kill ${i + 1}, ${describeKill(kill)}`).toEqual([]);
    if (r.signal !== 'SIGKILL') {
      expect(r.code, r.stderr).toBe(0);
      landed.finishedFirst += 1;
    } else if (after.keys.some((k) => k !== 'nix-cache-info' && !before.has(k))) landed.midPush += 1;
    else landed.beforeAnyWrite += 1;
    await run.afterKill?.(cache, r.signal === 'SIGKILL', i);
    present = new Set(pushed.all.filter((p) => after.narinfos.has(p)));
    if (present.size > 0 && present.size < pushed.all.length) landed.partialCache += 1;
    if (present.size === pushed.all.length) {
      cache = await fresh();
      present = new Set();
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
    const { landed, last } = await killRepeatedly(20, timedKills(full), fresh);
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
    const { landed, last } = await killRepeatedly(5, timedKills(full), async () => {
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

describe('a push killed while its NARs go up in parts', () => {
  const partSize = 5 * 1024 * 1024;
  const isUploadPart = (req: IncomingMessage) => req.method === 'PUT' && /[?&]partNumber=/.test(req.url ?? '') && /[?&]uploadId=/.test(req.url ?? '');
  let big: Closure & { narSize: Map<string, number> };
  let proxy: FaultProxy;
  const admin = s3Client(rgw);
  /** The incomplete multipart uploads of a bucket, as S3 lists them. */
  const incomplete = async (bucket: string) => (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? [];

  beforeAll(async () => {
    // Through a proxy that shows the test every request, so kills land while parts are in flight.
    [big, proxy] = await Promise.all([buildMultipartClosure(), startFaultProxy(rgw.endpoint)]);
    expect(big.all.length).toBe(4);
    // Every NAR takes several parts.
    for (const size of big.narSize.values()) expect(size).toBeGreaterThan(4 * partSize);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    admin.destroy();
  });

  const fresh = async (prefix: string) => {
    const bucket = await createBucket(rgw, uniqueBucketName(prefix));
    return { bucket, url: `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test&buffer-size=${partSize}`, reader: bucketReader(bucket) };
  };

  it('RGW: 5 SIGKILLs, each at a random part of a multipart upload, leave the invariant and incomplete uploads; the next push leaves young ones alone, a sweep aborts them', async () => {
    /**
     * Kill i lands on the n-th UploadPart the push sends, n uniform over the parts of the NARs the
     * cache lacks: SIGKILL as the proxy sees that part's request, so the upload it belongs to (and
     * any other in flight) can never be completed or aborted by the push.
     */
    const partKill = (_i: number, present: ReadonlySet<string>): Kill => {
      const partsLeft = big.all.filter((p) => !present.has(p)).reduce((sum, p) => sum + Math.ceil(big.narSize.get(p)! / partSize), 0);
      const nth = 1 + Math.floor(Math.random() * partsLeft);
      return {
        signal: 'SIGKILL',
        arm: (send) => {
          let parts = 0;
          proxy.setDecide((req) => {
            if (isUploadPart(req) && ++parts === nth) send();
            return 'pass';
          });
        },
      };
    };
    const buckets: string[] = [];
    const left = new Map<string, number>();
    const { landed, last } = await killRepeatedly(
      5,
      partKill,
      async () => {
        const b = await fresh('push-kill-parts');
        buckets.push(b.bucket);
        return b;
      },
      {
        closure: big,
        compression: 'none',
        // Every kill strands at least one more upload: the one whose part it landed on.
        afterKill: async (cache, killed, i) => {
          const count = (await incomplete(cache.bucket)).length;
          if (killed) expect(count, `incomplete uploads after kill ${i + 1}`).toBeGreaterThan(left.get(cache.bucket) ?? 0);
          left.set(cache.bucket, count);
        },
      },
    );
    proxy.setDecide(() => 'pass');
    const stranded = [...left.values()].reduce((a, b) => a + b, 0);
    console.log(`RGW multipart: 5 kills: ${JSON.stringify(landed)}; ${stranded} incomplete multipart uploads left in ${buckets.length} bucket(s)`);
    expect(landed.finishedFirst).toBe(0);
    expect(stranded).toBeGreaterThanOrEqual(5);

    // The resumed push completes, and leaves the uploads alone: they are minutes old, not a day, and
    // could be another machine's push in progress. It says they are there.
    const lastBucket = last.bucket;
    const before = (await incomplete(lastBucket)).length;
    expect(before).toBeGreaterThan(0);
    const final = await push(last.url, undefined, { closure: big, compression: 'none' });
    expect(final.code, final.stderr).toBe(0);
    expect(final.stderr).toContain(`has ${before} incomplete multipart upload${before === 1 ? '' : 's'} under nar/ started less than 24 h ago, left alone`);
    expect((await incomplete(lastBucket)).length).toBe(before);
    const done = await checkCache(last.reader);
    expect(done.problems).toEqual([]);
    expect([...done.narinfos].sort()).toEqual([...big.all].sort());

    // A sweep that counts every upload as old (threshold 0) aborts them all, and touches no object.
    let aborted = 0;
    for (const bucket of buckets) {
      const store = openStore(parseStoreUrl(`s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test`).config, env);
      try {
        const sweep = await sweepIncompleteUploads(store, { olderThanMs: 0 });
        expect(sweep?.error).toBeUndefined();
        aborted += sweep!.aborted;
      } finally {
        store.close();
      }
      expect(await incomplete(bucket)).toEqual([]);
    }
    expect(aborted).toBe(stranded);
    expect((await checkCache(last.reader)).problems).toEqual([]);
    await makeBucketPublicRead(rgw, lastBucket);
    const substituted = await nixCopyFromHttp(bucketUrl(rgw, lastBucket), big.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  }, 300_000);

  it('RGW: Ctrl-C while parts are in flight (one held unanswered) aborts the multipart uploads: none is left, and the cache holds the invariant', async () => {
    const cache = await fresh('push-cancel-parts');
    let parts = 0;
    const interrupted = await push(
      cache.url,
      {
        signal: 'SIGINT',
        // The third part never gets an answer; the others are under way around it when the user presses Ctrl-C.
        arm: (send) =>
          proxy.setDecide((req) => {
            if (!isUploadPart(req) || ++parts !== 3) return 'pass';
            setTimeout(send, 100);
            return 'hold';
          }),
      },
      { closure: big, compression: 'none' },
    );
    proxy.setDecide(() => 'pass');
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('narwhal push: interrupted;');
    expect(await incomplete(cache.bucket)).toEqual([]);
    expect((await checkCache(cache.reader)).problems).toEqual([]);
  }, 120_000);
});
