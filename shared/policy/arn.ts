// ARNs: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; S3's carry no region and no account.
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export const partitions = ['aws', 'aws-cn', 'aws-us-gov'];

export function parseArn(text: string): Arn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** The bucket an S3 resource ARN names (the text before the first `/`), possibly with wildcards. */
export function s3BucketOf(arn: Arn): string {
  const slash = arn.resource.indexOf('/');
  return slash < 0 ? arn.resource : arn.resource.slice(0, slash);
}

/** Which S3 resources an ARN pattern can match: a bucket, objects, or both (`*` matches `/`). */
export function s3KindsOf(arn: Arn): Set<'bucket' | 'object'> {
  if (arn.resource.includes('/')) return new Set(['object']);
  if (arn.resource.includes('*')) return new Set(['bucket', 'object']);
  return new Set(['bucket']);
}

export function bucketArn(bucket: string, partition = 'aws'): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string, partition = 'aws'): string {
  return `arn:${partition}:s3:::${bucket}/${key}`;
}
