import { describe, expect, it } from 'vitest';
import type { LifecycleRule } from '../../../../shared/bucket/lifecycle-rules';
import { describeActions, describeFilter, formOf, ruleFromForm } from './lifecycle-text';

describe('lifecycle text', () => {
  it('describes filters and actions', () => {
    const rule: LifecycleRule = { enabled: true, filter: { prefix: 'log/', tags: [{ key: 'k', value: 'v' }] }, expirationDays: 1, abortIncompleteUploadDays: 7, transitions: [{ days: 30, storageClass: 'GLACIER' }] };
    expect(describeFilter(rule)).toBe('keys starting with log/, tagged k=v');
    expect(describeFilter({ enabled: true, filter: {} })).toBe('the whole bucket');
    expect(describeActions(rule)).toEqual(['Delete objects 1 day after they are written', 'Abort incomplete uploads after 7 days', 'Move to GLACIER after 30 days']);
  });

  it('the form edits a rule and keeps what it does not show', () => {
    const base: LifecycleRule = { id: 'x', enabled: true, filter: { prefix: 'tmp/', tags: [{ key: 'a', value: 'b' }] }, expirationDays: 3, transitions: [{ days: 9, storageClass: 'COLD' }] };
    const form = { ...formOf(base), expirationDays: '', abortIncompleteUploadDays: '2', prefix: '', id: ' y ' };
    expect(ruleFromForm(form, base)).toEqual({ errors: {}, rule: { id: 'y', enabled: true, filter: { tags: [{ key: 'a', value: 'b' }] }, abortIncompleteUploadDays: 2, transitions: [{ days: 9, storageClass: 'COLD' }] } });
  });

  it('a new rule from the form, and errors by field', () => {
    expect(ruleFromForm({ ...formOf(undefined), abortIncompleteUploadDays: '7' }, undefined)).toEqual({ errors: {}, rule: { enabled: true, filter: {}, abortIncompleteUploadDays: 7 } });
    expect(ruleFromForm({ ...formOf(undefined), expirationDays: '0', noncurrentExpirationDays: 'soon' }, undefined).errors).toEqual({
      expirationDays: 'Delete objects after: give a whole number of days, 1 or more (not "0").',
      noncurrentExpirationDays: 'Delete old versions after: give a whole number of days, 1 or more (not "soon").',
    });
  });
});
