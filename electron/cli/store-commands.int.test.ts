import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../scripts/testbed/inject';
import { buildFixtureClosure, nix, nixCopyToFile } from '../../scripts/testbed/nix';
import { parseStoreUrl } from '../../shared/caches/store-url';
import { CacheService } from '../services/caches/cache-service';
import { createBucket, uniqueBucketName, uploadDir } from '../../scripts/testbed/s3';
import { runCommandLine } from './test-harness';

const rgw = injectRgw();
const host = rgw.endpoint.replace(/^http:\/\//, '');
let env: NodeJS.ProcessEnv;

const cli = (argv: string[]) => runCommandLine(argv, { env });

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'narwhal-aws-home-'));
  await writeFile(join(home, 'credentials'), ['[narwhal-test]', `aws_access_key_id = ${rgw.admin.accessKeyId}`, `aws_secret_access_key = ${rgw.admin.secretAccessKey}`].join('\n'));
  env = { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_EC2_METADATA_DISABLED: 'true' };
});

describe('narwhal info / ls against RGW and Nix', () => {
  it('prints exactly the store paths Nix wrote, from a bucket and from a folder', async () => {
    const closure = await buildFixtureClosure('cli-ls');
    const folder = await mkdtemp(join(tmpdir(), 'narwhal-nixcache-'));
    await nixCopyToFile(folder, [closure.top]);
    const bucket = await createBucket(rgw, uniqueBucketName('cli'));
    await uploadDir(rgw, bucket, folder);
    const expected = [...closure.all].sort().join('\n') + '\n';

    const url = `s3://${bucket}?endpoint=${host}&scheme=http&profile=narwhal-test`;
    expect(await cli(['ls', url])).toEqual({ status: 0, stdout: expected, stderr: '' });
    const json = JSON.parse((await cli(['ls', url, '--json'])).stdout) as Array<{ storePath: string; name: string }>;
    expect(json.map((j) => j.storePath)).toEqual([...closure.all].sort());
    expect(json.every((j) => j.storePath.endsWith(`-${j.name}`))).toBe(true);
    expect(await cli(['ls', `file://${folder}`])).toEqual({ status: 0, stdout: expected, stderr: '' });

    // Nix writes a bare "StoreDir" nix-cache-info for file:// caches.
    expect(await cli(['info', url])).toEqual({ status: 0, stdout: 'StoreDir: /nix/store\n', stderr: '' });
    expect(JSON.parse((await cli(['info', url, '--json'])).stdout)).toEqual({ storeDir: '/nix/store' });
  });

  it('exports store URLs that nix copy --to accepts, with every setting kept', async () => {
    const closure = await buildFixtureClosure('export-url');
    const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-data-'));
    const folder = join(dataDir, 'exported');
    const service = new CacheService({ dataDir, env });
    await service.start();
    const { storeUrl } = await service.add('Exported', parseStoreUrl(`file://${folder}?compression=zstd&write-nar-listing=true&priority=35`).config);
    expect(storeUrl).toBe(`file://${folder}?compression=zstd&write-nar-listing=true&priority=35`);
    await nix(['copy', '--to', storeUrl, closure.top]);
    // Nix honoured the settings: zstd NARs and .ls listings next to the narinfos.
    const files = await readdir(folder);
    expect(files.filter((f) => f.endsWith('.ls'))).toHaveLength(closure.all.length);
    expect((await readdir(join(folder, 'nar'))).every((f) => f.endsWith('.nar.zst'))).toBe(true);
    expect((await cli(['ls', storeUrl])).stdout).toBe([...closure.all].sort().join('\n') + '\n');
  });

  it('takes credentials from the standard environment variables too', async () => {
    const bucket = await createBucket(rgw, uniqueBucketName('cli-env'));
    const saved = env;
    env = { ...env, AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey };
    try {
      expect(await cli(['ls', `s3://${bucket}?endpoint=${host}&scheme=http`])).toEqual({ status: 0, stdout: '', stderr: '' });
      expect(await cli(['info', `s3://${bucket}?endpoint=${host}&scheme=http`])).toMatchObject({ status: 1, stderr: expect.stringContaining('has no nix-cache-info') });
    } finally {
      env = saved;
    }
  });

  it('prints errors to stderr with a non-zero status', async () => {
    expect(await cli(['ls', `s3://${uniqueBucketName('missing')}?endpoint=${host}&scheme=http&profile=narwhal-test`])).toMatchObject({ status: 1, stdout: '', stderr: expect.stringContaining('There is no bucket') });
    expect(await cli(['info', `file:///nonexistent/cache`])).toMatchObject({ status: 1, stderr: expect.stringContaining('does not exist') });
  });
});
