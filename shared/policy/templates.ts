// Policies from the Nix manual ("S3 Binary Cache Store"), filled in with the bucket's name.
import { bucketArn } from './arn';
import { uploaderActions } from './check/nix';
import type { PolicyTemplate } from './types';

const readActions = ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket'];
export const examplePrincipal = 'arn:aws:iam::123456789012:user/nix-cache';

const text = (policy: unknown) => JSON.stringify(policy, null, 2) + '\n';

export function templates(bucket: string, principal?: string): PolicyTemplate[] {
  const resources = [bucketArn(bucket), `${bucketArn(bucket)}/*`];
  const who = principal ?? examplePrincipal;
  const named = principal ? who : `${who} (replace it with the user's ARN; on Ceph RGW arn:aws:iam:::user/UID)`;
  return [
    {
      id: 'anonymous-read',
      kind: 'bucket-policy',
      intent: 'public-cache',
      title: 'Public cache: anyone may read',
      explanation:
        `Anyone, without credentials, may read ${bucket}: nix-cache-info, narinfos and NARs (s3:GetObject), and find the bucket's region (s3:GetBucketLocation). ` +
        's3:ListBucket lets a missing path answer 404 Not Found; without it S3 answers 403 Forbidden. Nix treats both as "not in this cache", ' +
        'but 404 is what other clients and people expect; leave ListBucket out only if the list of paths must not be public.',
      text: text({ Version: '2012-10-17', Statement: [{ Sid: 'NixCacheAnonymousRead', Effect: 'Allow', Principal: '*', Action: readActions, Resource: resources }] }),
    },
    {
      id: 'authenticated-read',
      kind: 'bucket-policy',
      intent: 'private-cache',
      title: 'Private cache: one principal may read',
      explanation: `Only ${named} may read ${bucket}, with the same actions a public cache grants to everyone (ListBucket so that misses are 404, not 403).`,
      text: text({ Version: '2012-10-17', Statement: [{ Sid: 'NixCacheRead', Effect: 'Allow', Principal: { AWS: who }, Action: readActions, Resource: resources }] }),
    },
    {
      id: 'uploader',
      kind: 'bucket-policy',
      intent: 'uploader',
      title: 'Uploader: one principal may push with nix copy',
      explanation:
        `${named} gets the seven actions \`nix copy --to s3://${bucket}\` needs, including the multipart ones for large NARs. ` +
        'One statement over both ARNs is right: each action needs only one resource of its type. Deleting paths (garbage collection) also needs s3:DeleteObject.',
      text: text({ Version: '2012-10-17', Statement: [{ Sid: 'NixCacheUpload', Effect: 'Allow', Principal: { AWS: who }, Action: uploaderActions, Resource: resources }] }),
    },
    {
      id: 'https-only',
      kind: 'bucket-policy',
      title: 'HTTPS only: refuse plain HTTP',
      explanation: 'Denies every request to the bucket that does not come over HTTPS (aws:SecureTransport false). A Deny wins over every Allow, so add this statement to any of the policies above.',
      text: text({
        Version: '2012-10-17',
        Statement: [{ Sid: 'HttpsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      }),
    },
    {
      id: 'uploader-iam-user-policy',
      kind: 'iam-user-policy',
      title: "Uploader's IAM user policy",
      explanation:
        `The same seven actions as an IAM policy to attach to the uploading user in the provider's console (it has no Principal: it applies to the user it is attached to). ` +
        "For a user of the bucket owner's account this alone is enough; for another account's user both this and the bucket policy must allow.",
      text: text({ Version: '2012-10-17', Statement: [{ Sid: 'NixCacheUpload', Effect: 'Allow', Action: uploaderActions, Resource: resources }] }),
    },
  ];
}
