import { mkdtemp, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../../scripts/testbed/fault-proxy';
import { startFaultProxy } from '../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../scripts/testbed/inject';
import { buildFixtureClosure, nix, nixCopyFromHttp, nixGenerateKey } from '../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, uniqueBucketName } from '../../scripts/testbed/s3';
import { KeyStore } from '../services/keys/key-store';
import { plainFileBox } from '../services/keys/secret-box';
import { cliTestEnv, runCommandLine } from './test-harness';

// Nix is the oracle throughout: what `narwhal push` writes must be substituted by `nix copy --from`
// into a fresh store that trusts only the pushing key and requires signatures.

const rgw = injectRgw();
let env: NodeJS.ProcessEnv;
let key: { secret: string; public: string; file: string };
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-cli-push-'));
  env = await cliTestEnv(work, rgw);
  const generated = await nixGenerateKey('cli-push.example.org-1');
  key = { ...generated, file: join(work, 'cli-push.sec') };
  await writeFile(key.file, generated.secret, { mode: 0o600 });
});

const cli = (argv: string[], options: { cwd?: string; interrupt?: AbortSignal; stderrTTY?: { columns: number } } = {}) => runCommandLine(argv, { env, ...options });

async function emptyFolder(label: string): Promise<string> {
  return mkdtemp(join(work, `${label}-`));
}

/** A folder with a `result` link to `target`, as nix-build leaves one. */
async function resultLink(target: string): Promise<string> {
  const dir = await emptyFolder('build');
  await symlink(target, join(dir, 'result'));
  return dir;
}

const extensions = { gzip: '.nar', zstd: '.nar.zst', xz: '.nar.xz' } as const;

describe('narwhal push to a folder cache', () => {
  it.each(['gzip', 'zstd', 'xz'] as const)('%s: pushes the closure of a result link, signed; Nix substitutes it; a second push skips it all', async (compression) => {
    const fixture = await buildFixtureClosure(`cli-push-${compression}`);
    const cache = join(await emptyFolder('cache'), 'new'); // does not exist yet, as with nix copy --to
    const cwd = await resultLink(fixture.top);

    const first = await cli(['push', `file://${cache}`, 'result', '--key', key.file, '--compression', compression], { cwd });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('Pushed 3 paths, skipped 0');
    expect(first.stdout).toContain(`${compression} (`);
    expect(first.stdout).toContain(`extra-substituters = file://${cache}\nextra-trusted-public-keys = ${key.public}\n`);
    expect(first.stderr).toContain('had no nix-cache-info; wrote one');
    const nars = await readdir(join(cache, 'nar'));
    expect(nars).toHaveLength(3);
    expect(nars.every((name) => name.endsWith(extensions[compression]) && (compression !== 'gzip' || !/\.nar\./.test(name)))).toBe(true);

    const substituted = await nixCopyFromHttp(`file://${cache}`, fixture.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);

    const again = await cli(['push', `file://${cache}`, 'result', '--key', key.file, '--compression', compression], { cwd });
    expect(again).toMatchObject({ status: 0, stderr: '' });
    expect(again.stdout).toMatch(/^Nothing to push: the cache has all 3 paths already/);
  });

  it('--json: one JSON object per line, progress events and a final done event with the summary', async () => {
    const fixture = await buildFixtureClosure('cli-push-json');
    const cache = await emptyFolder('cache');
    const run = await cli(['push', `file://${cache}`, fixture.top, '--key', key.file, '--compression', 'zstd', '--level', '5', '--jobs', '3', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    // The listing of the cache page by page (one page here, an empty cache), then the push.
    expect(events[0]).toEqual({ event: 'listing', listed: 0 });
    const progress = events.filter((e) => e.event === 'progress');
    expect(events.slice(1, -1).every((e) => e.event === 'progress')).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(4); // the start, then one per path at least
    expect(progress.at(-1)).toMatchObject({ pathsTotal: 3, pathsDone: 3 });
    expect(progress.map((e) => e.pathsDone)).toEqual([...progress.map((e) => e.pathsDone as number)].sort());
    const done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', pushed: 3, skipped: 0, compression: 'zstd', signedWith: key.public, nixConf: expect.stringContaining(key.public) });
    expect(done.fileBytes).toBeGreaterThan(0);
    expect(done.narBytes).toBe(progress.at(-1)!.narBytesTotal);

    const again = await cli(['push', `file://${cache}`, fixture.top, '--key', key.file, '--json']);
    expect(JSON.parse(again.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ event: 'done', pushed: 0, skipped: 3 });
  });

  it("--write-nar-listing, or the URL's write-nar-listing=true, writes each path's .ls as nix copy does; without either, none", async () => {
    const fixture = await buildFixtureClosure('cli-push-ls');
    const hashes = fixture.all.map((path) => path.slice('/nix/store/'.length, '/nix/store/'.length + 32)).sort();
    const listings = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.ls')).sort();
    const nixCache = await emptyFolder('nix-ls');
    await nix(['copy', '--to', `file://${nixCache}?write-nar-listing=1&compression=none`, fixture.top]);

    const byFlag = await emptyFolder('cache');
    const flagged = await cli(['push', `file://${byFlag}`, fixture.top, '--key', key.file, '--write-nar-listing']);
    expect(flagged.status, flagged.stderr).toBe(0);
    const byUrl = await emptyFolder('cache');
    const fromUrl = await cli(['push', `file://${byUrl}?write-nar-listing=true`, fixture.top, '--key', key.file]);
    expect(fromUrl.status, fromUrl.stderr).toBe(0);
    for (const dir of [byFlag, byUrl]) {
      expect(await listings(dir)).toEqual(hashes.map((hash) => `${hash}.ls`));
      for (const hash of hashes) expect((await readFile(join(dir, `${hash}.ls`))).equals(await readFile(join(nixCache, `${hash}.ls`)))).toBe(true);
    }

    const plain = await emptyFolder('cache');
    expect((await cli(['push', `file://${plain}?write-nar-listing=false`, fixture.top, '--key', key.file])).status).toBe(0);
    expect(await listings(plain)).toEqual([]);

    const bad = await cli(['push', `file://${await emptyFolder('cache')}?write-nar-listing=maybe`, fixture.top, '--key', key.file]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('write-nar-listing=maybe in the store URL: it must be true or false');
  });

  it('refuses to push without a key unless --unsigned is given, saying why', async () => {
    const fixture = await buildFixtureClosure('cli-push-unsigned');
    const cache = await emptyFolder('cache');
    const refused = await cli(['push', `file://${cache}`, fixture.top]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('narwhal push: no signing key: give --key FILE');
    expect(refused.stderr).toContain('Nix clients silently ignore');
    expect(await readdir(cache)).toEqual([]);

    expect(await cli(['push', `file://${cache}`, fixture.top, '--key', key.file, '--unsigned'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--unsigned contradicts') });

    const unsigned = await cli(['push', `file://${cache}`, fixture.top, '--unsigned', '--compression', 'none'], { stderrTTY: { columns: 120 } });
    expect(unsigned.status, unsigned.stderr).toBe(0);
    // On a terminal, a status line redrawn in place, cleared before the summary.
    expect(unsigned.stderr).toContain('\r\x1b[Kreading the closure…');
    // A note goes on a line of its own: the progress line is cleared first, not appended to.
    expect(unsigned.stderr).toContain('reading the closure…\r\x1b[Knote: folder ');
    // Whatever was drawn after the last full line is cleared before the summary (when the push was
    // too quick for a redraw after the note, nothing was drawn and nothing needs clearing).
    const tail = unsigned.stderr.slice(unsigned.stderr.lastIndexOf('\n') + 1);
    expect(tail === '' || tail.endsWith('\r\x1b[K'), JSON.stringify(tail)).toBe(true);
    expect(unsigned.stdout).toContain('Unsigned:');
    expect(unsigned.stdout).not.toContain('trusted-public-keys');
    const narinfos = (await readdir(cache)).filter((name) => name.endsWith('.narinfo'));
    expect(narinfos).toHaveLength(3);
    for (const name of narinfos) expect(await readFile(join(cache, name), 'utf8')).not.toContain('cli-push.example.org-1:');
    // Nix requires signatures, so it refuses the closure.
    expect((await nixCopyFromHttp(`file://${cache}`, fixture.top, key.public)).ok).toBe(false);
  });

  it('--no-closure: refuses a path whose references the cache lacks, naming them; pushes it once they are there', async () => {
    const fixture = await buildFixtureClosure('cli-push-no-closure');
    const [leaf, lib, top] = fixture.all as [string, string, string];
    const cache = await emptyFolder('cache');

    const refused = await cli(['push', `file://${cache}`, top, '--key', key.file, '--no-closure']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--no-closure pushes only the paths given, but they refer to 2 paths the cache does not have');
    expect(refused.stderr).toContain(leaf);
    expect(refused.stderr).toContain(lib);
    expect((await readdir(cache)).filter((name) => name.endsWith('.narinfo'))).toEqual([]);

    const bottom = await cli(['push', `file://${cache}`, leaf, lib, '--key', key.file, '--no-closure', '--compression', 'gzip']);
    expect(bottom.status, bottom.stderr).toBe(0);
    expect(bottom.stdout).toContain('Pushed 2 paths');
    const last = await cli(['push', `file://${cache}`, top, '--key', key.file, '--no-closure', '--compression', 'gzip']);
    expect(last.stdout).toContain('Pushed 1 path, skipped 0');
    expect((await nixCopyFromHttp(`file://${cache}`, top, key.public)).ok).toBe(true);
  });

  it('--jobs 12 on 12 paths: many NARs at once, and no listener-leak warning about the shared abort signal', async () => {
    const fixtures = await Promise.all([1, 2, 3, 4].map((n) => buildFixtureClosure(`cli-push-jobs-${n}`)));
    const cache = await emptyFolder('cache');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const run = await cli(['push', `file://${cache}`, ...fixtures.map((f) => f.top), '--key', key.file, '--compression', 'none', '--jobs', '12']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Pushed 12 paths');
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('says what is wrong with a flag, a key file or a path', async () => {
    const fixture = await buildFixtureClosure('cli-push-errors');
    const cache = `file://${await emptyFolder('cache')}`;
    expect(await cli(['push', cache, fixture.top, '--key', key.file, '--compression', 'lz4'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--compression is "lz4"; Narwhal writes xz, zstd, bzip2, gzip, none') });
    expect(await cli(['push', cache, fixture.top, '--key', key.file, '--compression', 'xz', '--level', '12'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--level must be a whole number from 0 to 9, not "12"') });
    expect(await cli(['push', cache, fixture.top, '--key', key.file, '--jobs', '0'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--jobs must be a whole number from 1 to 64') });
    expect(await cli(['push', cache, fixture.top, '--key', key.file, '--key-name', 'x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('not both') });
    expect(await cli(['push', cache, fixture.top, '--key', join(work, 'missing.sec')])).toMatchObject({ status: 1, stderr: expect.stringContaining('missing.sec') });
    const notAKey = join(work, 'not-a-key');
    await writeFile(notAKey, 'hello');
    expect(await cli(['push', cache, fixture.top, '--key', notAKey])).toMatchObject({ status: 1, stderr: expect.stringContaining(`--key ${notAKey} is not a Nix secret key`) });
    expect(await cli(['push', 'https://cache.nixos.org', fixture.top, '--key', key.file])).toMatchObject({ status: 1, stderr: expect.stringContaining('HTTP cache, which Narwhal can only read') });
    expect(await cli(['push', cache, join(work, 'no-such-result'), '--key', key.file])).toMatchObject({ status: 1 });
  });

  it('Ctrl-C cancels: exit 130, saying that running it again resumes', async () => {
    const fixture = await buildFixtureClosure('cli-push-interrupt');
    const cache = await emptyFolder('cache');
    const interrupted = await cli(['push', `file://${cache}`, fixture.top, '--key', key.file], { interrupt: AbortSignal.abort() });
    expect(interrupted.status).toBe(130);
    expect(interrupted.stderr).toContain('narwhal push: interrupted;');
    expect(interrupted.stderr).toContain('running the same command again resumes');
    expect((await readdir(cache)).filter((name) => name.endsWith('.narinfo'))).toEqual([]);
  });
});

describe("keys of Narwhal's key store on the command line", () => {
  it('push --key-name signs with a stored key, and key export-secret writes it to a new 0600 file Nix reads', async () => {
    const dataDir = await emptyFolder('data');
    const stored = await new KeyStore(dataDir, plainFileBox).generate('stored.example.org-1');
    const fixture = await buildFixtureClosure('cli-push-key-name');
    const cache = await emptyFolder('cache');
    const pushed = await cli(['push', `file://${cache}`, fixture.top, '--key-name', 'stored.example.org-1', '--data-dir', dataDir, '--compression', 'zstd']);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain(`extra-trusted-public-keys = ${stored.publicKey}`);
    expect((await nixCopyFromHttp(`file://${cache}`, fixture.top, stored.publicKey)).ok).toBe(true);

    expect(await cli(['push', `file://${cache}`, fixture.top, '--key-name', 'nobody-1', '--data-dir', dataDir])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('No signing key named "nobody-1" in'),
    });

    const cwd = await emptyFolder('export');
    const exported = await cli(['key', 'export-secret', '--key-name', 'stored.example.org-1', '--out', 'stored.sec', '--data-dir', dataDir], { cwd });
    expect(exported).toMatchObject({ status: 0, stdout: '' });
    const file = join(cwd, 'stored.sec');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await nix(['key', 'convert-secret-to-public'], { input: await readFile(file) })).trim()).toBe(stored.publicKey);

    const twice = await cli(['key', 'export-secret', '--key-name', 'stored.example.org-1', '--out', 'stored.sec', '--data-dir', dataDir], { cwd });
    expect(twice).toMatchObject({ status: 1, stderr: expect.stringContaining('already exists; Narwhal never overwrites a file') });
    expect(await cli(['key', 'export-secret', '--out', 'x.sec'], { cwd })).toMatchObject({ status: 2, stderr: expect.stringContaining('missing --key-name NAME') });
  });
});

describe('narwhal push to RGW', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(rgw.endpoint);
  });
  afterAll(() => proxy.close());

  it("takes the store URL's compression; Nix substitutes the closure over HTTP; a no-op push sends 2 requests", async () => {
    const fixture = await buildFixtureClosure('cli-push-rgw');
    const bucket = await createBucket(rgw, uniqueBucketName('cli-push'));
    // Through a counting proxy in front of RGW, so the test sees every request the push sends.
    const url = `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test&compression=zstd`;
    const pushed = await cli(['push', url, fixture.top, '--key', key.file]);
    expect(pushed.status, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('Pushed 3 paths');
    expect(pushed.stdout).toContain(' zstd (');
    expect(pushed.stdout).toContain(`extra-substituters = s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test\n`);

    await makeBucketPublicRead(rgw, bucket);
    const substituted = await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, key.public);
    expect(substituted.ok, substituted.stderr).toBe(true);

    // Nothing to do: nix-cache-info and one listing page; Nix 2.8 would ask for every narinfo.
    const before = proxy.requests;
    const again = await cli(['push', url, fixture.top, '--key', key.file]);
    expect(again.stdout).toMatch(/^Nothing to push: the cache has all 3 paths already/);
    const requests = proxy.requests - before;
    console.log(`no-op push of a 3-path closure: ${requests} S3 requests`);
    expect(requests).toBe(2);
  });

  it("write-nar-listing=1 in an s3:// URL: each path's .ls is served as Nix wrote it, uncompressed JSON", async () => {
    const fixture = await buildFixtureClosure('cli-push-rgw-ls');
    const bucket = await createBucket(rgw, uniqueBucketName('cli-ls'));
    const pushed = await cli(['push', `s3://${bucket}?endpoint=${rgw.endpoint}&scheme=http&profile=narwhal-test&write-nar-listing=1`, fixture.top, '--key', key.file]);
    expect(pushed.status, pushed.stderr).toBe(0);
    await makeBucketPublicRead(rgw, bucket);
    const nixCache = await emptyFolder('nix-ls');
    await nix(['copy', '--to', `file://${nixCache}?write-nar-listing=1&compression=none`, fixture.top]);
    for (const path of fixture.all) {
      const hash = path.slice('/nix/store/'.length, '/nix/store/'.length + 32);
      const response = await fetch(bucketUrl(rgw, bucket, `${hash}.ls`));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(join(nixCache, `${hash}.ls`)))).toBe(true);
    }
  });

  it('Ctrl-C in the middle of an upload: exit 130, no narinfo without its NAR, and the same command then finishes', async () => {
    const fixture = await buildFixtureClosure('cli-push-rgw-cancel');
    const bucket = await createBucket(rgw, uniqueBucketName('cli-cancel'));
    const url = `s3://${bucket}?endpoint=${proxy.endpoint}&scheme=http&profile=narwhal-test&compression=gzip`;
    const interrupt = new AbortController();
    // The second NAR upload never gets an answer; the user presses Ctrl-C while it waits.
    let narPuts = 0;
    proxy.setDecide((req) => (req.method === 'PUT' && req.url?.includes('/nar/') && ++narPuts === 2 ? 'hold' : 'pass'));
    const held = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (narPuts >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    void held.then(() => interrupt.abort());
    const interrupted = await cli(['push', url, fixture.top, '--key', key.file, '--jobs', '1'], { interrupt: interrupt.signal });
    proxy.setDecide(() => 'pass');
    expect(interrupted.status, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('narwhal push: interrupted; 1 of 3 paths were pushed; the cache is consistent');

    const files = await cli(['ls', url]);
    expect(files.stdout).toBe(`${fixture.all[0]}\n`);

    const resumed = await cli(['push', url, fixture.top, '--key', key.file]);
    expect(resumed.stdout).toContain('Pushed 2 paths, skipped 1 the cache already had.');
    await makeBucketPublicRead(rgw, bucket);
    expect((await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, key.public)).ok).toBe(true);
  });
});
