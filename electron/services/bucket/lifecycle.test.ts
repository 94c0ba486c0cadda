import { describe, expect, it } from 'vitest';
import type { LifecycleRule } from '../../../shared/bucket/lifecycle-rules';
import { fromS3Rule, toS3Rule } from './lifecycle';

describe('lifecycle rules to and from the SDK', () => {
  it('round-trips every shape of filter and action', () => {
    const rules: LifecycleRule[] = [
      { id: 'all', enabled: true, filter: {}, abortIncompleteUploadDays: 7 },
      { id: 'prefix', enabled: false, filter: { prefix: 'log/' }, expirationDays: 30 },
      { id: 'tag', enabled: true, filter: { tags: [{ key: 'tmp', value: '1' }] }, expirationDate: '2027-01-01' },
      { id: 'and', enabled: true, filter: { prefix: 'nar/', tags: [{ key: 'a', value: 'b' }], sizeGreaterThan: 10, sizeLessThan: 100 }, noncurrentExpirationDays: 5, newerNoncurrentVersions: 2 },
      { id: 'size', enabled: true, filter: { sizeLessThan: 1024 }, expiredObjectDeleteMarker: true, transitions: [{ days: 30, storageClass: 'GLACIER' }], noncurrentTransitions: [{ noncurrentDays: 3, storageClass: 'STANDARD_IA' }] },
    ];
    for (const rule of rules) expect(fromS3Rule(toS3Rule(rule))).toEqual(rule);
  });

  it('writes a Filter (never the deprecated rule-level Prefix), an And only for several conditions', () => {
    expect(toS3Rule({ enabled: true, filter: {}, abortIncompleteUploadDays: 1 })).toEqual({ Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    expect(toS3Rule({ enabled: true, filter: { prefix: 'a/', sizeGreaterThan: 5 }, expirationDays: 2 }).Filter).toEqual({ And: { Prefix: 'a/', ObjectSizeGreaterThan: 5 } });
    expect(toS3Rule({ enabled: true, filter: {}, expirationDate: '2027-03-04' }).Expiration).toEqual({ Date: new Date('2027-03-04T00:00:00.000Z') });
  });

  it('reads a rule written by another tool with the old rule-level Prefix', () => {
    expect(fromS3Rule({ ID: 'old', Status: 'Enabled', Prefix: 'nar/', Expiration: { Days: 3 } })).toEqual({ id: 'old', enabled: true, filter: { prefix: 'nar/' }, expirationDays: 3 });
  });
});
