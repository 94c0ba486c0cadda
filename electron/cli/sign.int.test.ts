import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../scripts/testbed/inject';
import { buildFixtureClosure, nixCopyFromHttp, nixCopyToFile, nixGenerateKey } from '../../scripts/testbed/nix';
import { bucketUrl, createBucket, makeBucketPublicRead, uniqueBucketName, uploadDir } from '../../scripts/testbed/s3';
import { KeyStore } from '../services/keys/key-store';
import { plainFileBox } from '../services/keys/secret-box';
import { cliTestEnv, runCommandLine } from './test-harness';

// Nix is the oracle: a cache `nix copy` wrote, signed by key A or not at all, is refused by a client
// that trusts only key B until `narwhal sign --key B` has run, and substituted after.

const rgw = injectRgw();
let env: NodeJS.ProcessEnv;
let work: string;
let keyA: { secret: string; public: string };
let keyB: { secret: string; public: string; file: string };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-cli-sign-'));
  env = await cliTestEnv(work, rgw);
  keyA = await nixGenerateKey('cli-sign-a.example.org-1');
  const b = await nixGenerateKey('cli-sign-b.example.org-1');
  keyB = { ...b, file: join(work, 'b.sec') };
  await writeFile(keyB.file, b.secret, { mode: 0o600 });
});

const cli = (argv: string[], options: { stderrTTY?: { columns: number }; interrupt?: AbortSignal } = {}) => runCommandLine(argv, { env, ...options });
const narinfos = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.narinfo')).sort();

describe('narwhal sign', () => {
  it.each([
    ['unsigned', undefined],
    ['signed by key A', 'A'],
  ] as const)('a cache nix copy wrote (%s): --all adds key B, Nix then substitutes it trusting only B; a second run finds all signed', async (_label, signer) => {
    const fixture = await buildFixtureClosure(`cli-sign-${signer ?? 'unsigned'}`);
    const cache = join(await mkdtemp(join(work, 'cache-')), 'c');
    await nixCopyToFile(cache, [fixture.top], signer ? { secretKey: keyA.secret } : {});

    const before = await nixCopyFromHttp(`file://${cache}`, fixture.top, keyB.public);
    expect(before.ok).toBe(false);
    expect(before.stderr).toMatch(/signature/);

    const run = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all']);
    expect(run, run.stderr).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toContain('Signed 3 paths with cli-sign-b.example.org-1; 0 paths had its signature already.');
    expect(run.stdout).toContain(`extra-trusted-public-keys = ${keyB.public}`);

    const after = await nixCopyFromHttp(`file://${cache}`, fixture.top, keyB.public);
    expect(after.ok, after.stderr).toBe(true);
    if (signer) {
      // Key A's signatures are kept: a client trusting only A still substitutes.
      const stillA = await nixCopyFromHttp(`file://${cache}`, fixture.top, keyA.public);
      expect(stillA.ok, stillA.stderr).toBe(true);
    }

    const again = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all', '--json']);
    expect(again.status, again.stderr).toBe(0);
    const events = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.at(-1)).toEqual({ event: 'done', signed: 0, alreadySigned: 3, failed: [], total: 3, signedWith: keyB.public });
  });

  it('PATH --closure signs the closure the cache records for the path (not only the path); Nix then substitutes it trusting only B', async () => {
    const fixture = await buildFixtureClosure('cli-sign-closure');
    const cache = join(await mkdtemp(join(work, 'cache-')), 'c');
    await nixCopyToFile(cache, [fixture.top]);
    const alone = await cli(['sign', `file://${cache}`, fixture.top, '--key', keyB.file]);
    expect(alone.stdout).toContain('Signed 1 path with');
    expect((await nixCopyFromHttp(`file://${cache}`, fixture.top, keyB.public)).ok).toBe(false);
    const run = await cli(['sign', `file://${cache}`, fixture.top, '--closure', '--key', keyB.file]);
    expect(run, run.stderr).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toContain('Signed 2 paths with cli-sign-b.example.org-1; 1 path had its signature already.');
    const after = await nixCopyFromHttp(`file://${cache}`, fixture.top, keyB.public);
    expect(after.ok, after.stderr).toBe(true);
    expect((await cli(['sign', `file://${cache}`, '--all', '--closure', '--key', keyB.file])).stderr).toContain('--closure applies to the PATHs given');
  });

  it('a narinfo whose NarHash was edited by hand after B signed fails with the reason and stays as it was; the others are signed', async () => {
    const fixture = await buildFixtureClosure('cli-sign-tampered');
    const cache = await mkdtemp(join(work, 'cache-'));
    await nixCopyToFile(cache, [fixture.top]);
    const [leaf] = fixture.all;
    const leafHash = leaf!.slice('/nix/store/'.length, '/nix/store/'.length + 32);
    const first = await cli(['sign', `file://${cache}`, '--key', keyB.file, leaf!]);
    expect(first, first.stderr).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toContain('Signed 1 path with');

    const file = join(cache, `${leafHash}.narinfo`);
    const original = await readFile(file, 'utf8');
    const narHash = /^NarHash: (.*)$/m.exec(original)![1]!;
    const tampered = original.replace(narHash, `sha256:${'1'.repeat(52)}`);
    await writeFile(file, tampered);
    // A second narinfo that is not one at all.
    const broken = join(cache, `${'0'.repeat(32)}.narinfo`);
    await writeFile(broken, 'not a narinfo\n');

    const run = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Signed 2 paths with cli-sign-b.example.org-1; 0 paths had its signature already; 2 failed.');
    expect(run.stderr).toContain('narwhal sign: 2 paths were not signed:\n');
    expect(run.stderr).toContain(`  ${leaf}: its signature by cli-sign-b.example.org-1 does not verify: its StorePath, NarHash, NarSize or References were changed after that key signed it`);
    expect(run.stderr).toContain(`  ${'0'.repeat(32)}.narinfo: ${'0'.repeat(32)}.narinfo is not a valid narinfo`);
    expect(await readFile(file, 'utf8')).toBe(tampered);
    expect(await readFile(broken, 'utf8')).toBe('not a narinfo\n');
    expect(await narinfos(cache)).toHaveLength(4);

    const json = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all', '--json']);
    expect(json.status).toBe(1);
    const events = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'failed').map((e) => e.path).sort()).toEqual([leaf, `${'0'.repeat(32)}.narinfo`]);
    expect(events.at(-1)).toMatchObject({ event: 'done', signed: 0, alreadySigned: 2, total: 4 });

    const interrupted = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all'], { interrupt: AbortSignal.abort() });
    expect(interrupted.status).toBe(130);
    expect(interrupted.stderr).toContain('narwhal sign: interrupted; ');
  });

  it('--trusted-key A: re-signing with B signs what A vouches for and refuses a narinfo edited after A signed it', async () => {
    const fixture = await buildFixtureClosure('cli-sign-trusted');
    const cache = await mkdtemp(join(work, 'cache-'));
    await nixCopyToFile(cache, [fixture.top], { secretKey: keyA.secret });
    const [leaf] = fixture.all;
    const file = join(cache, `${leaf!.slice('/nix/store/'.length, '/nix/store/'.length + 32)}.narinfo`);
    const original = await readFile(file, 'utf8');
    const tampered = original.replace(/^NarSize: (\d+)$/m, (_line, size: string) => `NarSize: ${Number(size) + 8}`);
    await writeFile(file, tampered);

    const run = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all', '--trusted-key', keyA.public]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Signed 2 paths with cli-sign-b.example.org-1');
    expect(run.stderr).toContain(`  ${leaf}: its signature by cli-sign-a.example.org-1 does not verify (its fingerprint fields were changed after that key signed it), and no trusted key vouches for it`);
    expect(await readFile(file, 'utf8')).toBe(tampered);
    const bad = await cli(['sign', `file://${cache}`, '--key', keyB.file, '--all', '--trusted-key', 'nonsense']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('narwhal sign: bad --trusted-key');
  });

  it('signs the paths given in a bucket with a key of the key store (--key-name), with a progress line on a terminal; Nix substitutes over HTTP', async () => {
    const fixture = await buildFixtureClosure('cli-sign-rgw');
    const folder = await mkdtemp(join(work, 'cache-'));
    await nixCopyToFile(folder, [fixture.top]);
    const bucket = await createBucket(rgw, uniqueBucketName('cli-sign'));
    await uploadDir(rgw, bucket, folder);
    await makeBucketPublicRead(rgw, bucket);
    const dataDir = join(work, 'keys-data');
    const stored = await new KeyStore(dataDir, plainFileBox).generate('cli-sign-stored.example.org-1');
    expect((await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, stored.publicKey)).ok).toBe(false);

    const url = `s3://${bucket}?endpoint=${rgw.endpoint}&scheme=http&profile=narwhal-test`;
    const run = await cli(['sign', url, ...fixture.all, '--key-name', 'cli-sign-stored.example.org-1', '--data-dir', dataDir], { stderrTTY: { columns: 120 } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Signed 3 paths with cli-sign-stored.example.org-1; 0 paths had its signature already.');
    expect(run.stderr).toMatch(/signing: \d of 3 paths \(\d signed, 0 signed already\)/);

    const substituted = await nixCopyFromHttp(bucketUrl(rgw, bucket), fixture.top, stored.publicKey);
    expect(substituted.ok, substituted.stderr).toBe(true);
  });

  it('usage errors: no key, no paths, both paths and --all, an HTTP cache', async () => {
    const noKey = await cli(['sign', 'file:///tmp/x', '--all']);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('narwhal sign: no signing key');
    expect(noKey.stderr).toContain('usage: narwhal sign STORE-URL|NAME (PATH... [--closure] | --all)');
    expect((await cli(['sign', 'file:///tmp/x', '--key', keyB.file])).stderr).toContain('missing PATH');
    expect((await cli(['sign', 'file:///tmp/x', '--key', keyB.file, '--all', 'abc'])).stderr).toContain('give PATH... or --all, not both');
    const http = await cli(['sign', 'https://cache.nixos.org', '--key', keyB.file, '--all']);
    expect(http).toMatchObject({ status: 1 });
    expect(http.stderr).toContain('which Narwhal can only read');
  });
});
