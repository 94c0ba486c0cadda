import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/policy/index';
import { templates } from '../../../shared/policy/index';
import { runCommandLine } from '../test-harness';

let dir: string;
const run = (argv: string[], stdin = '') => runCommandLine(argv, { stdin, cwd: dir, env: { HOME: tmpdir() } });
const user = 'arn:aws:iam:::user/ci';

const broken = `{
  "Version": "2012-10-18",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["s3:GetObjects", "s3:PutObject"],
      "Resource": "arn:aws:s3:::nix-cache/*"
    }
  ]
}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narwhal-policy-cli-'));
  for (const t of templates('nix-cache', user)) await writeFile(join(dir, `${t.id}.json`), t.text);
  await writeFile(join(dir, 'broken.json'), broken);
  await writeFile(join(dir, 'warn.json'), templates('nix-cache')[0]!.text.replace('2012-10-17', '2008-10-17'));
  await writeFile(join(dir, 'comment.json'), '{ // no\n}');
});

describe('narwhal policy check', () => {
  it('lists findings as FILE:LINE:COL SEVERITY ID MESSAGE and exits 1 on errors and security findings', async () => {
    const r = await run(['policy', 'check', 'broken.json', '--bucket', 'nix-cache']);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'broken.json:2:14 error version-invalid Version must be "2012-10-17" (or the old "2008-10-17"), not "2012-10-18": it is a fixed date, not today\'s',
      'broken.json:7:18 error unknown-action unknown S3 action "s3:GetObjects": did you mean "s3:GetObject"?',
      'broken.json:7:35 security public-write anyone, anonymous callers included, may write (s3:PutObject): anyone could replace NARs and narinfos',
    ]);
    expect(r.stderr).toBe('2 errors, 1 security\n');
  });

  it('exits 0 when there are only warnings, and for a clean policy', async () => {
    const warn = await run(['policy', 'check', 'warn.json', '--intent', 'public-cache']);
    expect(warn.status).toBe(0);
    expect(warn.stdout).toMatch(/^warn\.json:2:14 warning version-old /);
    const clean = await run(['policy', 'check', 'anonymous-read.json', '--intent', 'public-cache']);
    expect(clean).toEqual({ status: 0, stdout: '', stderr: 'no findings\n' });
  });

  it('prints the findings array with --json', async () => {
    const r = await run(['policy', 'check', 'broken.json', '--json']);
    expect(r.status).toBe(1);
    const findings = JSON.parse(r.stdout) as Finding[];
    expect(findings.map((f) => [f.id, f.path, f.line, f.column])).toEqual([
      ['version-invalid', '$.Version', 2, 14],
      ['unknown-action', '$.Statement[0].Action[0]', 7, 18],
      ['public-write', '$.Statement[0].Action[1]', 7, 35],
    ]);
    expect(findings[1]!.fix?.title).toBe('Change to s3:GetObject');
  });

  it('checks readiness for an intent and a principal', async () => {
    const reader = await run(['policy', 'check', 'authenticated-read.json', '--intent', 'uploader', '--principal', user]);
    expect(reader.status).toBe(1);
    expect(reader.stdout).toContain('error nix-uploader-missing arn:aws:iam:::user/ci lacks s3:PutObject');
    expect((await run(['policy', 'check', 'uploader.json', '--intent', 'uploader', '--principal', user])).status).toBe(0);
    const privateAsPublic = await run(['policy', 'check', 'anonymous-read.json', '--intent', 'private-cache', '--principal', user]);
    expect(privateAsPublic.status).toBe(1);
    expect(privateAsPublic.stdout).toContain('security public-read');
  });

  it('reads the policy from stdin with -', async () => {
    const r = await run(['policy', 'check', '-'], broken);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^stdin:2:14 error version-invalid/);
  });

  it('reports JSON syntax errors with their place', async () => {
    const r = await run(['policy', 'check', 'comment.json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('comment.json:1:3 error json-syntax comments are not allowed in a policy (S3 accepts strict JSON only)\n');
  });

  it('says what is wrong with its usage', async () => {
    expect(await run(['policy', 'check'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^narwhal policy check: missing POLICY\.json/) });
    expect(await run(['policy', 'check', 'x.json', '--intent', 'cache'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/--intent must be one of public-cache, private-cache, uploader, not "cache"/) });
    expect(await run(['policy', 'check', 'file:///tmp/cache'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/is not an S3 bucket/) });
    const missing = await run(['policy', 'check', 'nope.json']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope\.json/);
    expect((await run(['policy', 'frob'])).stderr).toMatch(/^narwhal: unknown subcommand "frob" of narwhal policy/);
    const help = await run(['policy', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit status: 0 allowed, 1 denied');
  });
});

describe('narwhal policy simulate', () => {
  it('prints the decision and the statements that decided it; exit 0 when allowed', async () => {
    const r = await run(['policy', 'simulate', 'anonymous-read.json', '--principal', 'anonymous', '--action', 's3:GetObject', '--key', 'nix-cache-info']);
    expect(r).toEqual({
      status: 0,
      stdout: 'allowed: s3:GetObject on arn:aws:s3:::nix-cache/nix-cache-info by anonymous\n  statement 0 (NixCacheAnonymousRead) Allow: applies: Principal, Action and Resource match\n',
      stderr: '',
    });
  });

  it('exits 1 for an implicit deny, listing why no statement applies', async () => {
    const r = await run(['policy', 'simulate', 'uploader.json', '--principal', '*', '--action', 'PutObject', '--key', 'nar/x.nar.xz']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      'denied (implicitly: no statement allows it): s3:PutObject on arn:aws:s3:::nix-cache/nar/x.nar.xz by anonymous\n  statement 0 (NixCacheUpload) Allow: does not apply: Principal does not include an anonymous caller\n',
    );
  });

  it('exits 1 for an explicit deny, and takes the request context', async () => {
    const args = ['policy', 'simulate', 'https-only.json', '--principal', user, '--action', 's3:ListBucket', '--key', 'x'];
    const denied = await run([...args, '--context', 'aws:SecureTransport=false', '--json']);
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stdout)).toEqual({
      decision: 'explicit-deny',
      resource: 'arn:aws:s3:::nix-cache',
      statements: [{ sid: 'HttpsOnly', index: 0, effect: 'Deny', matched: true, why: 'Principal, Action and Resource match; aws:SecureTransport is "false": Bool "false" holds' }],
    });
    const https = await run([...args, '--context', 'aws:SecureTransport=true']);
    expect(https.status).toBe(1);
    expect(https.stdout).toMatch(/^denied \(implicitly/);
  });

  it('says what is missing', async () => {
    expect(await run(['policy', 'simulate', 'uploader.json', '--principal', user])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^narwhal policy simulate: missing --action ACTION and --key KEY\n/) });
    expect(await run(['policy', 'simulate', 'uploader.json', '--principal', user, '--action', 's3:GetObject', '--key', 'k', '--context', 'novalue'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--context takes KEY=VALUE/),
    });
    const notJson = await run(['policy', 'simulate', 'comment.json', '--principal', user, '--action', 's3:GetObject', '--key', 'k']);
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toMatch(/comment\.json:1:3: not valid JSON/);
  });
});
