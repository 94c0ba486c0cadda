import { join } from 'node:path';
import { homedir } from 'node:os';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import type { AwsProfile } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';

type Section = Record<string, string | undefined>;

export interface ProfileFiles {
  configFile: string;
  credentialsFile: string;
}

/** The same files the AWS CLI and SDKs read, honouring AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
export function profileFiles(env: NodeJS.ProcessEnv = process.env): ProfileFiles {
  const home = env.HOME || homedir();
  return {
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** How a profile gets its credentials, judged the way the SDK's provider chain would pick a provider. */
export function profileKind(section: Section): AwsProfile['kind'] {
  if (section.role_arn && section.web_identity_token_file) return 'web-identity';
  if (section.role_arn) return 'role';
  if (section.sso_session || section.sso_start_url) return 'sso';
  if (section.credential_process) return 'process';
  if (section.aws_access_key_id) return 'static';
  return 'other';
}

/**
 * Profile names, regions and kinds, merged from both files. Only these facts leave this function:
 * the keys themselves stay in the files and in the SDK's credential chain.
 */
export async function discoverProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileFiles & { profiles: AwsProfile[] }> {
  const files = profileFiles(env);
  const loaded = await loadSharedConfigFiles({ filepath: files.credentialsFile, configFilepath: files.configFile, ignoreCache: true });
  // The loader also returns `[sso-session x]` and `[services x]` sections, keyed with a prefix: not profiles.
  const isProfile = (key: string) => !/^(sso-session|services)\./.test(key);
  const names = new Set([...Object.keys(loaded.configFile), ...Object.keys(loaded.credentialsFile)].filter(isProfile));
  const profiles = [...names].sort().map((name): AwsProfile => {
    const fromConfig = loaded.configFile[name] as Section | undefined;
    const fromCredentials = loaded.credentialsFile[name] as Section | undefined;
    const merged: Section = { ...fromConfig, ...fromCredentials };
    const region = fromConfig?.region ?? fromCredentials?.region;
    return {
      name,
      ...(region ? { region } : {}),
      kind: profileKind(merged),
      sources: [...(fromConfig ? (['config'] as const) : []), ...(fromCredentials ? (['credentials'] as const) : [])],
    };
  });
  return { ...files, profiles };
}

/**
 * Throws "profile X not found" when neither file has the profile a store URL names. Without this the
 * SDK's chain says only "Could not load credentials from any providers", which sends people looking
 * for keys rather than for the misspelt name.
 */
export async function assertProfileExists(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { profiles, configFile, credentialsFile } = await discoverProfiles(env);
  if (profiles.some((profile) => profile.name === name)) return;
  const known = profiles.map((profile) => profile.name);
  throw new ApiError(
    'no-credentials',
    `AWS profile "${name}" not found in ${configFile} or ${credentialsFile}${known.length > 0 ? ` (profiles there: ${known.join(', ')})` : ' (they define no profiles)'}.`,
  );
}
