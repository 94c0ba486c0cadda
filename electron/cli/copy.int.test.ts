import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../scripts/testbed/inject';
import type { FixtureClosure } from '../../scripts/testbed/nix';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixGenerateKey } from '../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, s3Client, uniqueBucketName } from '../../scripts/testbed/s3';
import { cliTestEnv, runCommandLine } from './test-harness';

// The proof: a cache that `nix copy --to file://` wrote, copied to RGW by `narwhal copy`, is
// substituted by Nix from the bucket's HTTP address into a fresh store that requires signatures.

const rgw = injectRgw();
let env: NodeJS.ProcessEnv;
let work: string;
let fixture: FixtureClosure;
let nixKey: { secret: string; public: string };
let ourKey: { secret: string; public: string; file: string };
let nixCache: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-cli-copy-'));
  env = await cliTestEnv(work, rgw);
  fixture = await buildFixtureClosure('cli-copy');
  nixKey = await nixGenerateKey('nix-wrote-this.example.org-1');
  const generated = await nixGenerateKey('narwhal-copied-this.example.org-1');
  ourKey = { ...generated, file: join(work, 'ours.sec') };
  await writeFile(ourKey.file, generated.secret, { mode: 0o600 });
  nixCache = join(work, 'nix-cache');
  await nixCopyToFile(nixCache, [fixture.top], { secretKey: nixKey.secret });
});

const cli = (argv: string[]) => runCommandLine(argv, { env });
const s3Url = (bucket: string, extra = '') => `s3://${bucket}?endpoint=${rgw.endpoint}&scheme=http&profile=narwhal-test${extra}`;
async function bucketKeys(bucket: string): Promise<string[]> {
  const s3 = s3Client(rgw);
  try {
    return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();
  } finally {
    s3.destroy();
  }
}

describe('narwhal copy', () => {
  it("copies what nix copy --to file:// wrote into a bucket; Nix substitutes it from there with Nix's key trusted; a second run copies nothing", async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('cli-copy'));
    const run = await cli(['copy', `file://${nixCache}`, s3Url(bucket), fixture.top]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Copied 3 paths.');
    expect(run.stdout).toContain('kept as the source compressed them');
    expect(run.stdout).toContain('The signatures the paths had were kept; no key was added.');
    // The same NARs under the same names as in Nix's folder.
    const nars = (await readdir(join(nixCache, 'nar'))).map((name) => `nar/${name}`);
    expect((await bucketKeys(bucket)).filter((key) => key.startsWith('nar/'))).toEqual(nars.sort());
    await makeBucketPublicRead(rgw, bucket);
    const substituted = await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, nixKey.public);
    expect(substituted.ok, substituted.stderr).toBe(true);

    const again = await cli(['copy', `file://${nixCache}`, s3Url(bucket), fixture.top]);
    expect(again).toMatchObject({ status: 0, stderr: '' });
    expect(again.stdout).toMatch(/^Nothing to copy: the destination has the closure already/);
  });

  it('recompresses to zstd and signs with --key: Nix substitutes trusting only that key; --json reports phases and the summary', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('cli-copy-zstd'));
    const run = await cli(['copy', `file://${nixCache}`, s3Url(bucket), fixture.top, '--compression', 'zstd', '--level', '9', '--key', ourKey.file, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.phase).filter(Boolean)).toEqual(expect.arrayContaining(['listing', 'reading', 'copying']));
    expect(events.at(-1)).toMatchObject({ event: 'done', copied: 3, skipped: 0, compression: 'zstd', signedWith: ourKey.public, nixConf: expect.stringContaining(ourKey.public) });
    expect((await bucketKeys(bucket)).filter((key) => key.startsWith('nar/')).every((key) => key.endsWith('.nar.zst'))).toBe(true);
    await makeBucketPublicRead(rgw, bucket);
    const substituted = await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, ourKey.public);
    expect(substituted.ok, substituted.stderr).toBe(true);
  });

  it('copies from an HTTP cache to a folder, and says what is wrong with bad arguments', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('cli-copy-http'));
    expect((await cli(['copy', `file://${nixCache}`, s3Url(bucket), fixture.top])).status).toBe(0);
    await makeBucketPublicRead(rgw, bucket);
    const dest = join(work, 'from-http');
    const run = await cli(['copy', bucketUrl(rgw, bucket), `file://${dest}`, fixture.top]);
    expect(run.status, run.stderr).toBe(0);
    expect((await nixCopyFromHttp(`file://${dest}`, fixture.top, nixKey.public)).ok).toBe(true);

    const toHttp = await cli(['copy', `file://${nixCache}`, bucketUrl(rgw, bucket), fixture.top]);
    expect(toHttp.status).not.toBe(0);
    expect(toHttp.stderr).toContain('is an HTTP cache, which Narwhal can only read; copy to its s3:// or file:// URL.');
    const noPath = await cli(['copy', `file://${nixCache}`, `file://${dest}`]);
    expect(noPath).toMatchObject({ status: 2, stderr: expect.stringContaining('missing PATH') });
    const levelAlone = await cli(['copy', `file://${nixCache}`, `file://${dest}`, fixture.top, '--level', '3']);
    expect(levelAlone.stderr).toContain('--level needs --compression');
    const notAPath = await cli(['copy', `file://${nixCache}`, `file://${dest}`, 'hello']);
    expect(notAPath.status).not.toBe(0);
    expect(notAPath.stderr).toContain(`"hello" is not a store path, a store path's base name or its hash`);
  });
});
