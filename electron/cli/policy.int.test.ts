import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../scripts/testbed/inject';
import { createBucket, uniqueBucketName } from '../../scripts/testbed/s3';
import type { S3Config } from '../../shared/caches/config';
import { templates } from '../../shared/policy/index';
import { writeBucketPolicy } from '../services/policy/bucket-policy';
import { runCommandLine } from './test-harness';

const rgw = injectRgw();
const host = rgw.endpoint.replace(/^http:\/\//, '');
let env: NodeJS.ProcessEnv;
const cli = (argv: string[]) => runCommandLine(argv, { env });

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'narwhal-policy-home-'));
  await writeFile(join(home, 'credentials'), ['[narwhal-test]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, `aws_secret_access_key = ${rgw.admin.secretAccessKey}`].join('\n'));
  env = { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_EC2_METADATA_DISABLED: 'true' };
});

describe('narwhal policy check STORE-URL against RGW', () => {
  it("reads the bucket's policy and checks it for that bucket", async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('policy-cli'));
    const url = `s3://${bucket}?endpoint=${host}&scheme=http&profile=narwhal-test`;

    // No policy yet: nothing to check, but not a public cache either.
    expect(await cli(['policy', 'check', url])).toEqual({ status: 0, stdout: '', stderr: `narwhal policy check: bucket "${bucket}" has no policy\n` });
    expect((await cli(['policy', 'check', url, '--intent', 'public-cache'])).status).toBe(1);

    const config: S3Config = { kind: 's3', bucket, endpoint: host, scheme: 'http', region: 'us-east-1', settings: [] };
    const creds = { ...env, AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey };
    await writeBucketPolicy(config, creds, templates(bucket)[0]!.text);
    expect(await cli(['policy', 'check', url, '--intent', 'public-cache'])).toEqual({ status: 0, stdout: '', stderr: 'no findings\n' });

    // A public write RGW accepts, found with the bucket taken from the URL.
    const open = JSON.parse(templates(bucket)[0]!.text) as { Statement: { Action: string[] }[] };
    open.Statement[0]!.Action.push('s3:PutObject');
    await writeBucketPolicy(config, creds, JSON.stringify(open, null, 2));
    const r = await cli(['policy', 'check', url, '--intent', 'public-cache']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^s3://${bucket}:\\d+:\\d+ security public-write `));
  });
});
