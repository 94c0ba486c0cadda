import { describe, expect, it } from 'vitest';
import type { LifecycleRule } from './lifecycle-rules';
import { abortIncompleteUploadsRule, analyseLifecycle, keyKindsCovered, lifecycleProblems, lifecycleRuleSchema } from './lifecycle-rules';

const rule = (over: Partial<LifecycleRule>): LifecycleRule => lifecycleRuleSchema.parse({ enabled: true, ...over });

describe('keyKindsCovered', () => {
  it('a filter on the whole bucket covers nix-cache-info, narinfos and NARs', () => {
    expect(keyKindsCovered({})).toEqual(['cache-info', 'narinfo', 'nar']);
    expect(keyKindsCovered({ prefix: '' })).toEqual(['cache-info', 'narinfo', 'nar']);
  });

  it('follows the shape of each kind of key', () => {
    expect(keyKindsCovered({ prefix: 'nar/' })).toEqual(['nar']);
    expect(keyKindsCovered({ prefix: 'nar/1abc' })).toEqual(['nar']);
    expect(keyKindsCovered({ prefix: 'na' })).toEqual(['narinfo', 'nar']); // n and a are nix32 digits
    expect(keyKindsCovered({ prefix: 'nix-' })).toEqual(['cache-info']);
    expect(keyKindsCovered({ prefix: '0a' })).toEqual(['narinfo']);
    expect(keyKindsCovered({ prefix: `${'0'.repeat(32)}.nar` })).toEqual(['narinfo']);
    expect(keyKindsCovered({ prefix: `${'0'.repeat(32)}.ls` })).toEqual([]);
    expect(keyKindsCovered({ prefix: 'log/' })).toEqual([]);
    // e, o, t and u are not nix32 digits.
    expect(keyKindsCovered({ prefix: 'tmp/' })).toEqual([]);
    expect(keyKindsCovered({ prefix: 'e' })).toEqual([]);
  });

  it('a tag filter covers nothing Nix writes', () => {
    expect(keyKindsCovered({ tags: [{ key: 'a', value: 'b' }] })).toEqual([]);
  });
});

describe('analyseLifecycle', () => {
  it('warns about an expiration over the whole bucket, naming nix#13833 and nix-cache-info', () => {
    const findings = analyseLifecycle([rule({ id: 'old', expirationDays: 30 }), abortIncompleteUploadsRule()]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warning', rule: 0, code: 'expires-cache-objects' });
    expect(findings[0]!.message).toContain('Rule "old" deletes nix-cache-info, narinfos (<hash>.narinfo) and NARs (nar/…) 30 days after');
    expect(findings[0]!.message).toContain('NixOS/nix#13833');
    expect(findings[0]!.message).toContain('no Nix cache at all');
  });

  it('warns about an expiration of NARs only, by date', () => {
    const [warning] = analyseLifecycle([rule({ filter: { prefix: 'nar/' }, expirationDate: '2027-01-01' })]);
    expect(warning).toMatchObject({ severity: 'warning', code: 'expires-cache-objects' });
    expect(warning!.message).toMatch(/^Rule 1 deletes NARs \(nar\/…\) on 2027-01-01\. NARs and narinfos expire independently/);
  });

  it('lets an expiration of logs pass, says a tag filter spares the cache and a disabled rule waits', () => {
    const findings = analyseLifecycle([
      rule({ filter: { prefix: 'log/' }, expirationDays: 90 }),
      rule({ filter: { tags: [{ key: 'tmp', value: '1' }] }, expirationDays: 1 }),
      rule({ enabled: false, expirationDays: 5 }),
      abortIncompleteUploadsRule(3),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.code])).toEqual([
      [0, 'info', 'expires-nothing-of-cache'],
      [1, 'info', 'tag-filter-matches-nothing'],
      [2, 'info', 'disabled-expiration'],
    ]);
  });

  it('noncurrent-version expiry and delete-marker clean-up are no warning', () => {
    const findings = analyseLifecycle([rule({ noncurrentExpirationDays: 30, abortIncompleteUploadDays: 2 })]);
    expect(findings).toEqual([]);
  });

  it('suggests aborting incomplete uploads, with a one-click fix that keeps the other rules', () => {
    const existing = [rule({ id: 'abort-incomplete-multipart-uploads', filter: { prefix: 'log/' }, abortIncompleteUploadDays: 1 })];
    const findings = analyseLifecycle(existing);
    expect(findings).toHaveLength(1);
    const [suggestion] = findings;
    expect(suggestion).toMatchObject({ severity: 'suggestion', rule: -1, code: 'abort-incomplete-uploads-missing' });
    expect(suggestion!.fix!.rules).toEqual([...existing, { id: 'abort-incomplete-multipart-uploads-2', enabled: true, filter: {}, abortIncompleteUploadDays: 7 }]);
    // Applying the fix clears the suggestion.
    expect(analyseLifecycle(suggestion!.fix!.rules)).toEqual([]);
  });

  it('a disabled abort rule does not count', () => {
    const findings = analyseLifecycle([rule({ enabled: false, abortIncompleteUploadDays: 7 })]);
    expect(findings.map((f) => f.code)).toEqual(['abort-incomplete-uploads-missing']);
  });

  it('no rules at all: only the suggestion', () => {
    expect(analyseLifecycle([]).map((f) => f.code)).toEqual(['abort-incomplete-uploads-missing']);
  });
});

describe('lifecycleProblems', () => {
  it('accepts a valid configuration and the empty one', () => {
    expect(lifecycleProblems([])).toEqual([]);
    expect(lifecycleProblems([abortIncompleteUploadsRule(), rule({ id: 'logs', filter: { prefix: 'log/' }, expirationDays: 30 })])).toEqual([]);
  });

  it('names the rule and field of each problem', () => {
    const problems = lifecycleProblems([
      rule({ id: 'a', expirationDays: 1 }),
      rule({ id: 'a', expirationDays: 2, expirationDate: '2027-01-01' }),
      rule({}),
      rule({ filter: { tags: [{ key: 'k', value: 'v' }] }, abortIncompleteUploadDays: 3 }),
      rule({ expirationDate: 'next tuesday' }),
      rule({ id: ' ', newerNoncurrentVersions: 2, expiredObjectDeleteMarker: true }),
      rule({ filter: { sizeGreaterThan: 10, sizeLessThan: 10 }, expirationDays: 1 }),
    ]);
    expect(problems.map((p) => [p.rule, p.field ?? null])).toEqual([
      [1, 'id'],
      [1, 'expirationDate'],
      [2, null],
      [3, 'abortIncompleteUploadDays'],
      [4, 'expirationDate'],
      [5, 'id'],
      [5, 'newerNoncurrentVersions'],
      [6, 'filter'],
    ]);
    expect(problems[0]!.message).toBe('Rule "a": rule 1 has the same ID; IDs must be unique.');
    expect(problems[2]!.message).toBe('Rule 3 does nothing: give it an expiration, an abort of incomplete uploads or a transition.');
    expect(problems[4]!.message).toContain('"next tuesday" must be a day (YYYY-MM-DD)');
  });

  it('refuses more than 1000 rules', () => {
    const many = Array.from({ length: 1001 }, (_, i) => rule({ id: `r${i}`, abortIncompleteUploadDays: 1 }));
    expect(lifecycleProblems(many)).toEqual([{ rule: -1, message: '1001 rules: S3 takes at most 1000.' }]);
  });

  it('the schema rejects impossible numbers of days with the field named', () => {
    const result = lifecycleRuleSchema.safeParse({ enabled: true, expirationDays: 0 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe('Expire after must be at least 1 day.');
  });
});
