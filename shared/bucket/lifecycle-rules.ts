import { z } from 'zod';

/**
 * A bucket's lifecycle rules as Narwhal shows and edits them: the parts of S3's LifecycleRule that
 * matter to a Nix cache, named plainly. Transitions (storage classes) are not edited here but kept,
 * so saving a rule never drops what another tool set.
 */

const days = (what: string) =>
  z
    .number({ error: `${what} must be a number of days.` })
    .int(`${what} must be a whole number of days.`)
    .min(1, `${what} must be at least 1 day.`)
    .max(100_000, `${what} is more than 100 000 days.`);

export const lifecycleTagSchema = z.object({ key: z.string().min(1, 'A tag needs a key.').max(128), value: z.string().max(256) });

export const lifecycleFilterSchema = z.object({
  /** Keys starting with this; absent or empty: every key. */
  prefix: z.string().max(1024).optional(),
  /** Objects carrying all these tags. */
  tags: z.array(lifecycleTagSchema).max(10).optional(),
  sizeGreaterThan: z.number().int().min(0).optional(),
  sizeLessThan: z.number().int().min(1).optional(),
});

export const lifecycleTransitionSchema = z.object({
  days: z.number().int().min(0).optional(),
  date: z.string().optional(),
  storageClass: z.string(),
});

export const lifecycleRuleSchema = z.object({
  id: z.string().max(255, 'A rule ID has at most 255 characters.').optional(),
  enabled: z.boolean(),
  filter: lifecycleFilterSchema.default({}),
  /** Delete current objects this many days after they were written. */
  expirationDays: days('Expire after').optional(),
  /** Delete current objects on this date (ISO 8601, midnight UTC). */
  expirationDate: z.string().optional(),
  /** Remove delete markers that have no older versions left (versioned buckets). */
  expiredObjectDeleteMarker: z.boolean().optional(),
  /** Delete old (noncurrent) versions this many days after they were replaced (versioned buckets). */
  noncurrentExpirationDays: days('Delete old versions after').optional(),
  newerNoncurrentVersions: z.number().int().min(1).max(100).optional(),
  /** Abort multipart uploads still incomplete this many days after they started. */
  abortIncompleteUploadDays: days('Abort incomplete uploads after').optional(),
  transitions: z.array(lifecycleTransitionSchema).optional(),
  noncurrentTransitions: z.array(z.object({ noncurrentDays: z.number().int().min(0).optional(), storageClass: z.string() })).optional(),
});

export type LifecycleRule = z.output<typeof lifecycleRuleSchema>;
export type LifecycleFilter = z.output<typeof lifecycleFilterSchema>;

/** What the provider says about the bucket's lifecycle configuration. */
export const lifecycleStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('set'), rules: z.array(lifecycleRuleSchema) }),
  z.object({ state: z.literal('none') }),
  z.object({ state: z.literal('unsupported'), message: z.string() }),
]);
export type LifecycleState = z.output<typeof lifecycleStateSchema>;

/** S3 takes at most this many rules in one configuration. */
export const maxLifecycleRules = 1000;

export interface LifecycleProblem {
  /** Index of the rule in the list, or -1 for the list as a whole. */
  rule: number;
  field?: string;
  message: string;
}

const ruleName = (rule: LifecycleRule, index: number): string => (rule.id ? `Rule "${rule.id}"` : `Rule ${index + 1}`);

/**
 * What S3 would refuse in a configuration, said before it is sent (the provider's own error names
 * no rule). An empty list is valid: saving it removes the configuration.
 */
export function lifecycleProblems(rules: readonly LifecycleRule[]): LifecycleProblem[] {
  const problems: LifecycleProblem[] = [];
  if (rules.length > maxLifecycleRules) problems.push({ rule: -1, message: `${rules.length} rules: S3 takes at most ${maxLifecycleRules}.` });
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const name = ruleName(rule, i);
    if (rule.id !== undefined) {
      if (rule.id.trim() === '') problems.push({ rule: i, field: 'id', message: `${name}: the ID is blank; leave it out or name the rule.` });
      const first = seen.get(rule.id);
      if (first !== undefined) problems.push({ rule: i, field: 'id', message: `${name}: rule ${first + 1} has the same ID; IDs must be unique.` });
      else seen.set(rule.id, i);
    }
    const acts =
      rule.expirationDays !== undefined ||
      rule.expirationDate !== undefined ||
      rule.expiredObjectDeleteMarker !== undefined ||
      rule.noncurrentExpirationDays !== undefined ||
      rule.abortIncompleteUploadDays !== undefined ||
      (rule.transitions?.length ?? 0) > 0 ||
      (rule.noncurrentTransitions?.length ?? 0) > 0;
    if (!acts) problems.push({ rule: i, message: `${name} does nothing: give it an expiration, an abort of incomplete uploads or a transition.` });
    if (rule.expirationDays !== undefined && rule.expirationDate !== undefined) {
      problems.push({ rule: i, field: 'expirationDate', message: `${name}: expire after a number of days or on a date, not both.` });
    }
    if (rule.expiredObjectDeleteMarker && (rule.expirationDays !== undefined || rule.expirationDate !== undefined)) {
      problems.push({ rule: i, field: 'expiredObjectDeleteMarker', message: `${name}: removing expired delete markers cannot be combined with an expiration by days or date.` });
    }
    if (rule.expirationDate !== undefined && !/^\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?Z)?$/.test(rule.expirationDate)) {
      problems.push({ rule: i, field: 'expirationDate', message: `${name}: the expiration date "${rule.expirationDate}" must be a day (YYYY-MM-DD); S3 expires at midnight UTC.` });
    }
    if (rule.abortIncompleteUploadDays !== undefined && (rule.filter.tags?.length ?? 0) > 0) {
      problems.push({ rule: i, field: 'abortIncompleteUploadDays', message: `${name}: aborting incomplete uploads cannot be limited by tags (uploads have none yet); use a prefix.` });
    }
    if (rule.newerNoncurrentVersions !== undefined && rule.noncurrentExpirationDays === undefined) {
      problems.push({ rule: i, field: 'newerNoncurrentVersions', message: `${name}: "versions to keep" needs "delete old versions after".` });
    }
    const { sizeGreaterThan: gt, sizeLessThan: lt } = rule.filter;
    if (gt !== undefined && lt !== undefined && gt >= lt) {
      problems.push({ rule: i, field: 'filter', message: `${name}: the size filter is empty (greater than ${gt} and less than ${lt} bytes).` });
    }
  });
  return problems;
}

// --- What a rule does to a Nix cache --------------------------------------------------------------

const NIX32 = '0123456789abcdfghijklmnpqrsvwxyz';
type Template = Array<string | { set: string; count: number }>;

/** Key shapes of a Nix binary cache that matter when objects expire. */
const KEY_KINDS: Array<{ kind: CacheKeyKind; label: string; template: Template; open?: boolean }> = [
  { kind: 'cache-info', label: 'nix-cache-info', template: ['nix-cache-info'] },
  { kind: 'narinfo', label: 'narinfos (<hash>.narinfo)', template: [{ set: NIX32, count: 32 }, '.narinfo'] },
  // NAR file names are the nix32 FileHash (52 characters) plus an extension; anything under nar/ counts.
  { kind: 'nar', label: 'NARs (nar/…)', template: ['nar/'], open: true },
];
export type CacheKeyKind = 'cache-info' | 'narinfo' | 'nar';

/** Whether some key of the template's shape starts with `prefix`. */
function prefixCanMatch(prefix: string, template: Template, open: boolean): boolean {
  let at = 0;
  for (const part of template) {
    if (typeof part === 'string') {
      for (const ch of part) {
        if (at >= prefix.length) return true;
        if (prefix[at] !== ch) return false;
        at++;
      }
    } else {
      for (let n = 0; n < part.count; n++) {
        if (at >= prefix.length) return true;
        if (!part.set.includes(prefix[at]!)) return false;
        at++;
      }
    }
  }
  return at >= prefix.length || open;
}

/** The kinds of cache keys a rule's filter can select (tags select none: Nix and Narwhal write objects without tags). */
export function keyKindsCovered(filter: LifecycleFilter): CacheKeyKind[] {
  if ((filter.tags?.length ?? 0) > 0) return [];
  const prefix = filter.prefix ?? '';
  return KEY_KINDS.filter((k) => prefixCanMatch(prefix, k.template, k.open ?? false)).map((k) => k.kind);
}

export interface LifecycleFinding {
  severity: 'warning' | 'suggestion' | 'info';
  /** Index of the rule it is about, or -1 for the configuration as a whole. */
  rule: number;
  code: 'expires-cache-objects' | 'expires-nothing-of-cache' | 'tag-filter-matches-nothing' | 'disabled-expiration' | 'abort-incomplete-uploads-missing';
  message: string;
  /** The configuration with the fix applied, when one click can fix it. */
  fix?: { label: string; rules: LifecycleRule[] };
}

/** The rule one click adds: abort incomplete multipart uploads of the whole bucket after `days`. */
export function abortIncompleteUploadsRule(days = 7, taken: readonly LifecycleRule[] = []): LifecycleRule {
  const base = 'abort-incomplete-multipart-uploads';
  const ids = new Set(taken.map((r) => r.id));
  let id = base;
  for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
  return { id, enabled: true, filter: {}, abortIncompleteUploadDays: days };
}

const listKinds = (kinds: CacheKeyKind[]): string =>
  kinds.map((k) => KEY_KINDS.find((x) => x.kind === k)!.label).join(', ').replace(/, ([^,]*)$/, ' and $1');

function describeExpiry(rule: LifecycleRule): string {
  return rule.expirationDays !== undefined ? `${rule.expirationDays} day${rule.expirationDays === 1 ? '' : 's'} after they were written` : `on ${rule.expirationDate}`;
}

/**
 * What the rules mean for a Nix cache. An expiration by age deletes NARs and narinfos independently,
 * so a narinfo can outlive its NAR and every client then fails on that path (NixOS/nix#13833); an
 * expired nix-cache-info makes the bucket no cache at all. Incomplete multipart uploads (a push
 * killed half-way) keep their parts, billed, until something aborts them.
 */
export function analyseLifecycle(rules: readonly LifecycleRule[]): LifecycleFinding[] {
  const findings: LifecycleFinding[] = [];
  rules.forEach((rule, i) => {
    const name = ruleName(rule, i);
    const expires = rule.expirationDays !== undefined || rule.expirationDate !== undefined;
    if (!expires) return;
    if ((rule.filter.tags?.length ?? 0) > 0) {
      findings.push({
        severity: 'info',
        rule: i,
        code: 'tag-filter-matches-nothing',
        message: `${name} expires only objects with its tags; Nix and Narwhal write no tags, so it deletes none of the cache's files.`,
      });
      return;
    }
    const kinds = keyKindsCovered(rule.filter);
    if (kinds.length === 0) {
      findings.push({ severity: 'info', rule: i, code: 'expires-nothing-of-cache', message: `${name} expires objects under "${rule.filter.prefix}", which holds no narinfos, NARs or nix-cache-info.` });
      return;
    }
    const what = listKinds(kinds);
    const noCache = kinds.includes('cache-info')
      ? ' Without nix-cache-info the bucket is no Nix cache at all.'
      : '';
    const consequence =
      kinds.includes('nar') || kinds.includes('narinfo')
        ? ' NARs and narinfos expire independently, so a narinfo can outlive its NAR (or a NAR still needed by a live path goes), and every client then fails on that path (NixOS/nix#13833). Remove old paths with closure-aware garbage collection instead.'
        : '';
    if (!rule.enabled) {
      findings.push({ severity: 'info', rule: i, code: 'disabled-expiration', message: `${name} is disabled; enabled, it would delete ${what} ${describeExpiry(rule)}.${consequence}` });
      return;
    }
    findings.push({
      severity: 'warning',
      rule: i,
      code: 'expires-cache-objects',
      message: `${name} deletes ${what} ${describeExpiry(rule)}.${noCache}${consequence}`,
    });
  });

  const aborts = rules.some((r) => r.enabled && r.abortIncompleteUploadDays !== undefined && keyKindsCovered(r.filter).includes('nar'));
  if (!aborts) {
    findings.push({
      severity: 'suggestion',
      rule: -1,
      code: 'abort-incomplete-uploads-missing',
      message:
        'No rule aborts incomplete multipart uploads under nar/. A push that is killed half-way leaves its uploaded parts in the bucket, invisible in listings and billed, until they are aborted: a rule that aborts them after 7 days is always safe.',
      fix: { label: 'Add a rule: abort incomplete uploads after 7 days', rules: [...rules, abortIncompleteUploadsRule(7, rules)] },
    });
  }
  return findings;
}
