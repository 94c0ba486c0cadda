import type { LifecycleRule as S3LifecycleRule, LifecycleRuleFilter } from '@aws-sdk/client-s3';
import { DeleteBucketLifecycleCommand } from '@aws-sdk/client-s3';
import { ApiError } from '../../../shared/api/errors';
import type { LifecycleFilter, LifecycleRule, LifecycleState } from '../../../shared/bucket/lifecycle-rules';
import { lifecycleProblems } from '../../../shared/bucket/lifecycle-rules';
import { S3BucketAdmin } from '../stores/s3-bucket-admin';
import type { S3Store } from '../stores/s3-store';

/** Narwhal's rule from the SDK's (S3's XML, parsed). */
export function fromS3Rule(rule: S3LifecycleRule): LifecycleRule {
  const filter: LifecycleFilter = {};
  const f = rule.Filter;
  const and = f?.And;
  const prefix = and?.Prefix ?? f?.Prefix ?? rule.Prefix;
  if (prefix) filter.prefix = prefix;
  const tags = [...(and?.Tags ?? []), ...(f?.Tag ? [f.Tag] : [])].map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));
  if (tags.length) filter.tags = tags;
  const gt = and?.ObjectSizeGreaterThan ?? f?.ObjectSizeGreaterThan;
  const lt = and?.ObjectSizeLessThan ?? f?.ObjectSizeLessThan;
  if (gt !== undefined) filter.sizeGreaterThan = Number(gt);
  if (lt !== undefined) filter.sizeLessThan = Number(lt);

  const out: LifecycleRule = { enabled: rule.Status === 'Enabled', filter };
  if (rule.ID) out.id = rule.ID;
  if (rule.Expiration?.Days !== undefined) out.expirationDays = rule.Expiration.Days;
  if (rule.Expiration?.Date !== undefined) out.expirationDate = rule.Expiration.Date.toISOString().slice(0, 10);
  if (rule.Expiration?.ExpiredObjectDeleteMarker !== undefined) out.expiredObjectDeleteMarker = rule.Expiration.ExpiredObjectDeleteMarker;
  if (rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined) out.noncurrentExpirationDays = rule.NoncurrentVersionExpiration.NoncurrentDays;
  if (rule.NoncurrentVersionExpiration?.NewerNoncurrentVersions !== undefined) out.newerNoncurrentVersions = rule.NoncurrentVersionExpiration.NewerNoncurrentVersions;
  if (rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined) out.abortIncompleteUploadDays = rule.AbortIncompleteMultipartUpload.DaysAfterInitiation;
  if (rule.Transitions?.length) {
    out.transitions = rule.Transitions.map((t) => ({
      ...(t.Days !== undefined ? { days: t.Days } : {}),
      ...(t.Date ? { date: t.Date.toISOString().slice(0, 10) } : {}),
      storageClass: t.StorageClass ?? '',
    }));
  }
  if (rule.NoncurrentVersionTransitions?.length) {
    out.noncurrentTransitions = rule.NoncurrentVersionTransitions.map((t) => ({
      ...(t.NoncurrentDays !== undefined ? { noncurrentDays: t.NoncurrentDays } : {}),
      storageClass: t.StorageClass ?? '',
    }));
  }
  return out;
}

const day = (text: string): Date => new Date(`${text.slice(0, 10)}T00:00:00.000Z`);

/** The SDK's rule for Narwhal's; always with a `Filter` (the rule-level Prefix is deprecated). */
export function toS3Rule(rule: LifecycleRule): S3LifecycleRule {
  const { prefix, tags = [], sizeGreaterThan, sizeLessThan } = rule.filter;
  const conditions = (prefix ? 1 : 0) + tags.length + (sizeGreaterThan !== undefined ? 1 : 0) + (sizeLessThan !== undefined ? 1 : 0);
  let Filter: LifecycleRuleFilter;
  if (conditions > 1) {
    Filter = {
      And: {
        ...(prefix ? { Prefix: prefix } : {}),
        ...(tags.length ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
        ...(sizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: sizeGreaterThan } : {}),
        ...(sizeLessThan !== undefined ? { ObjectSizeLessThan: sizeLessThan } : {}),
      },
    };
  } else if (tags.length === 1) Filter = { Tag: { Key: tags[0]!.key, Value: tags[0]!.value } };
  else if (sizeGreaterThan !== undefined) Filter = { ObjectSizeGreaterThan: sizeGreaterThan };
  else if (sizeLessThan !== undefined) Filter = { ObjectSizeLessThan: sizeLessThan };
  else Filter = { Prefix: prefix ?? '' };

  const expiration =
    rule.expirationDays !== undefined || rule.expirationDate !== undefined || rule.expiredObjectDeleteMarker !== undefined
      ? {
          ...(rule.expirationDays !== undefined ? { Days: rule.expirationDays } : {}),
          ...(rule.expirationDate !== undefined ? { Date: day(rule.expirationDate) } : {}),
          ...(rule.expiredObjectDeleteMarker !== undefined ? { ExpiredObjectDeleteMarker: rule.expiredObjectDeleteMarker } : {}),
        }
      : undefined;
  return {
    ...(rule.id ? { ID: rule.id } : {}),
    Status: rule.enabled ? 'Enabled' : 'Disabled',
    Filter,
    ...(expiration ? { Expiration: expiration } : {}),
    ...(rule.noncurrentExpirationDays !== undefined
      ? {
          NoncurrentVersionExpiration: {
            NoncurrentDays: rule.noncurrentExpirationDays,
            ...(rule.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: rule.newerNoncurrentVersions } : {}),
          },
        }
      : {}),
    ...(rule.abortIncompleteUploadDays !== undefined ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: rule.abortIncompleteUploadDays } } : {}),
    ...(rule.transitions?.length
      ? {
          Transitions: rule.transitions.map((t) => ({
            ...(t.days !== undefined ? { Days: t.days } : {}),
            ...(t.date !== undefined ? { Date: day(t.date) } : {}),
            StorageClass: t.storageClass as never,
          })),
        }
      : {}),
    ...(rule.noncurrentTransitions?.length
      ? {
          NoncurrentVersionTransitions: rule.noncurrentTransitions.map((t) => ({
            ...(t.noncurrentDays !== undefined ? { NoncurrentDays: t.noncurrentDays } : {}),
            StorageClass: t.storageClass as never,
          })),
        }
      : {}),
  };
}

/** Rules compared for "did someone else change them meanwhile", independent of key and rule order (RGW sorts rules by ID). */
function canonical(rules: readonly LifecycleRule[]): string {
  const sortKeys = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sortKeys)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]))
        : value;
  return JSON.stringify(rules.map((r) => JSON.stringify(sortKeys({ ...r, filter: { ...r.filter, prefix: r.filter.prefix || undefined } }))).sort());
}

/** The bucket's lifecycle configuration: its rules, none, or not offered by this provider. */
export async function readLifecycle(store: S3Store, options: { signal?: AbortSignal } = {}): Promise<LifecycleState> {
  const setting = await new S3BucketAdmin(store).getLifecycle(options);
  if (setting.state === 'unsupported') return setting;
  if (setting.state === 'none' || setting.value.length === 0) return { state: 'none' };
  return { state: 'set', rules: setting.value.map(fromS3Rule) };
}

export interface WriteLifecycleOptions {
  signal?: AbortSignal;
  /**
   * The rules the user edited from. A configuration is replaced whole, so when the bucket's rules are
   * no longer these (another window, another tool), the write is refused instead of undoing theirs.
   */
  previous?: readonly LifecycleRule[];
}

/**
 * Replaces the bucket's lifecycle configuration with `rules`; an empty list removes it (S3 refuses an
 * empty configuration). Problems S3 would refuse are reported first, naming the rule.
 */
export async function writeLifecycle(store: S3Store, rules: readonly LifecycleRule[], options: WriteLifecycleOptions = {}): Promise<void> {
  const problems = lifecycleProblems(rules);
  if (problems.length > 0) throw new ApiError('invalid-input', problems.map((p) => p.message).join('\n'));
  if (options.previous) {
    const now = await readLifecycle(store, options);
    const current = now.state === 'set' ? now.rules : [];
    if (now.state !== 'unsupported' && canonical(current) !== canonical(options.previous)) {
      throw new ApiError('conflict', `The lifecycle rules of ${store.bucket} changed since they were read (now ${current.length} rule${current.length === 1 ? '' : 's'}); reload them and make the change again.`);
    }
  }
  if (rules.length === 0) return deleteLifecycle(store, options);
  await new S3BucketAdmin(store).putLifecycle(rules.map(toS3Rule), options);
}

/** Removes the lifecycle configuration; removing none is not an error. */
export async function deleteLifecycle(store: S3Store, options: { signal?: AbortSignal } = {}): Promise<void> {
  try {
    await store.request(new DeleteBucketLifecycleCommand({ Bucket: store.bucket }), options);
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err.name === 'NoSuchLifecycleConfiguration') return;
    if (err.name === 'NotImplemented' || err.$metadata?.httpStatusCode === 501) {
      throw new ApiError('invalid-input', `${store.where.endpoint} does not offer lifecycle rules (it answered NotImplemented).`);
    }
    throw store.mapError(e);
  }
}
