import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverProfiles } from './profiles';

describe('discoverProfiles', () => {
  it('merges both files, tells kinds apart and never returns secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-aws-'));
    await writeFile(
      join(dir, 'config'),
      [
        '[default]', 'region = eu-west-1',
        '[profile sso-dev]', 'sso_session = corp', 'sso_account_id = 111', 'sso_role_name = Dev', 'region = us-west-2',
        '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start', 'sso_region = us-east-1',
        '[profile proc]', 'credential_process = /usr/bin/get-creds',
        '[profile deploy]', 'role_arn = arn:aws:iam::123:role/deploy', 'source_profile = default',
      ].join('\n'),
    );
    await writeFile(join(dir, 'credentials'), ['[default]', 'aws_access_key_id = AKIAEXAMPLE', 'aws_secret_access_key = SECRETSECRET', '[ci]', 'aws_access_key_id = AKIACI', 'aws_secret_access_key = CISECRET'].join('\n'));
    const result = await discoverProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), HOME: dir });
    expect(result.profiles).toEqual([
      { name: 'ci', kind: 'static', sources: ['credentials'] },
      { name: 'default', region: 'eu-west-1', kind: 'static', sources: ['config', 'credentials'] },
      { name: 'deploy', kind: 'role', sources: ['config'] },
      { name: 'proc', kind: 'process', sources: ['config'] },
      { name: 'sso-dev', region: 'us-west-2', kind: 'sso', sources: ['config'] },
    ]);
    expect(JSON.stringify(result)).not.toMatch(/SECRET|AKIA/);
  });

  it('returns no profiles when the files do not exist', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-aws-'));
    const result = await discoverProfiles({ HOME: dir });
    expect(result.profiles).toEqual([]);
    expect(result.configFile).toBe(join(dir, '.aws', 'config'));
  });
});
