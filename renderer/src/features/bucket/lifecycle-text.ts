import type { LifecycleRule } from '../../../../shared/bucket/lifecycle-rules';

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** Which objects a rule applies to, in a few words. */
export function describeFilter(rule: LifecycleRule): string {
  const parts: string[] = [];
  const { prefix, tags, sizeGreaterThan, sizeLessThan } = rule.filter;
  parts.push(prefix ? `keys starting with ${prefix}` : 'the whole bucket');
  if (tags?.length) parts.push(`tagged ${tags.map((t) => `${t.key}=${t.value}`).join(', ')}`);
  if (sizeGreaterThan !== undefined) parts.push(`larger than ${sizeGreaterThan} bytes`);
  if (sizeLessThan !== undefined) parts.push(`smaller than ${sizeLessThan} bytes`);
  return parts.join(', ');
}

/** What a rule does, one phrase per action. */
export function describeActions(rule: LifecycleRule): string[] {
  const out: string[] = [];
  if (rule.expirationDays !== undefined) out.push(`Delete objects ${days(rule.expirationDays)} after they are written`);
  if (rule.expirationDate !== undefined) out.push(`Delete objects on ${rule.expirationDate}`);
  if (rule.expiredObjectDeleteMarker) out.push('Remove expired delete markers');
  if (rule.noncurrentExpirationDays !== undefined) {
    out.push(`Delete old versions ${days(rule.noncurrentExpirationDays)} after they are replaced${rule.newerNoncurrentVersions !== undefined ? ` (keeping ${rule.newerNoncurrentVersions})` : ''}`);
  }
  if (rule.abortIncompleteUploadDays !== undefined) out.push(`Abort incomplete uploads after ${days(rule.abortIncompleteUploadDays)}`);
  for (const t of rule.transitions ?? []) out.push(`Move to ${t.storageClass} ${t.days !== undefined ? `after ${days(t.days)}` : `on ${t.date}`}`);
  for (const t of rule.noncurrentTransitions ?? []) out.push(`Move old versions to ${t.storageClass}${t.noncurrentDays !== undefined ? ` after ${days(t.noncurrentDays)}` : ''}`);
  return out;
}

export const ruleLabel = (rule: LifecycleRule, index: number): string => rule.id || `Rule ${index + 1}`;

/** The form's text fields, as typed. */
export interface RuleForm {
  id: string;
  enabled: boolean;
  prefix: string;
  expirationDays: string;
  noncurrentExpirationDays: string;
  abortIncompleteUploadDays: string;
}

export function formOf(rule: LifecycleRule | undefined): RuleForm {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    id: rule?.id ?? '',
    enabled: rule?.enabled ?? true,
    prefix: rule?.filter.prefix ?? '',
    expirationDays: text(rule?.expirationDays),
    noncurrentExpirationDays: text(rule?.noncurrentExpirationDays),
    abortIncompleteUploadDays: text(rule?.abortIncompleteUploadDays),
  };
}

export type FormErrors = Partial<Record<keyof RuleForm, string>>;

function parseDays(text: string, label: string, errors: FormErrors, field: keyof RuleForm): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t) || Number(t) < 1) {
    errors[field] = `${label}: give a whole number of days, 1 or more (not "${t}").`;
    return undefined;
  }
  return Number(t);
}

/**
 * The rule the form describes, keeping what the form does not edit (tags, size filters, a date,
 * transitions) from the rule it started from; or the errors, by field.
 */
export function ruleFromForm(form: RuleForm, base: LifecycleRule | undefined): { rule?: LifecycleRule; errors: FormErrors } {
  const errors: FormErrors = {};
  const expirationDays = parseDays(form.expirationDays, 'Delete objects after', errors, 'expirationDays');
  const noncurrentExpirationDays = parseDays(form.noncurrentExpirationDays, 'Delete old versions after', errors, 'noncurrentExpirationDays');
  const abortIncompleteUploadDays = parseDays(form.abortIncompleteUploadDays, 'Abort incomplete uploads after', errors, 'abortIncompleteUploadDays');
  if (form.id.length > 255) errors.id = 'ID: at most 255 characters.';
  if (Object.keys(errors).length) return { errors };
  const { expirationDays: _e, noncurrentExpirationDays: _n, abortIncompleteUploadDays: _a, newerNoncurrentVersions, ...kept } = base ?? { enabled: true, filter: {} };
  const rule: LifecycleRule = {
    ...kept,
    enabled: form.enabled,
    filter: { ...(base?.filter ?? {}), prefix: form.prefix || undefined },
    ...(expirationDays !== undefined ? { expirationDays } : {}),
    ...(noncurrentExpirationDays !== undefined ? { noncurrentExpirationDays, ...(newerNoncurrentVersions !== undefined ? { newerNoncurrentVersions } : {}) } : {}),
    ...(abortIncompleteUploadDays !== undefined ? { abortIncompleteUploadDays } : {}),
  };
  if (rule.filter.prefix === undefined) delete rule.filter.prefix;
  if (form.id.trim()) rule.id = form.id.trim();
  else delete rule.id;
  return { rule, errors };
}
