// The policy corpus (shared/policy/corpus/): NN-name.json is a policy written for a bucket `${BUCKET}`
// and a second user `${USER_ARN}` (on Ceph RGW: arn:aws:iam:::user/UID); NN-name.expected.json says
// what it is about, which check options it is checked with (placeholders allowed) and the findings it
// must give, as { id, severity, path }. Tests fill the placeholders in with fillPlaceholders.
import type { CheckOptions, Severity } from './types';

export interface CorpusExpectation {
  about: string;
  /** The bucket and the second user the policy is written for (placeholders). */
  bucket: string;
  user: string;
  check?: CheckOptions;
  findings: { id: string; severity: Severity; path: string }[];
}

export interface CorpusValues {
  bucket: string;
  userArn: string;
}

export function fillPlaceholders(text: string, values: CorpusValues): string {
  return text.replaceAll('${BUCKET}', values.bucket).replaceAll('${USER_ARN}', values.userArn);
}

export function fillCheckOptions(options: CheckOptions | undefined, values: CorpusValues): CheckOptions {
  const out: CheckOptions = { ...options };
  if (out.bucket) out.bucket = fillPlaceholders(out.bucket, values);
  if (out.principal) out.principal = fillPlaceholders(out.principal, values);
  return out;
}
