// Nix readiness for the bucket's intended use, by simulating the requests Nix makes.
import { bucketArn, objectArn } from '../arn';
import type { Statement } from '../model';
import type { Reporter } from '../report';
import { simulate } from '../simulate';
import type { CheckOptions, Json, PolicyDocument } from '../types';
import { isPublicGrant } from './access';

/** Keys a Nix client reads: the cache's info file, a narinfo, a NAR. */
export const nixReadKeys = ['nix-cache-info', '0000000000000000000000000000000a.narinfo', 'nar/0000000000000000000000000000000000000000000000000000.nar.xz'];

/** What `nix copy --to s3://` needs (the Nix manual's uploader policy). */
export const uploaderActions = [
  's3:AbortMultipartUpload',
  's3:GetBucketLocation',
  's3:GetObject',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:ListMultipartUploadParts',
  's3:PutObject',
];
/** Without these `nix copy` fails; the others only matter for large (multipart) uploads and region lookup. */
const uploaderEssential = ['s3:GetObject', 's3:ListBucket', 's3:PutObject'];

// Nix talks HTTPS to real S3; a condition requiring it must not count against the cache.
const nixContext = { 'aws:SecureTransport': 'true' };

function allows(doc: PolicyDocument, principal: string, action: string, bucket: string, key?: string): boolean {
  const resource = key === undefined ? bucketArn(bucket) : objectArn(bucket, key);
  return simulate(doc, { principal, action, resource, context: nixContext }).decision === 'allowed';
}

const objectAction = (a: string) => !['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'].includes(a);

export function checkNix(r: Reporter, doc: PolicyDocument, statements: Statement[], bucket: string | undefined, options: CheckOptions): void {
  const intent = options.intent;
  if (!intent) return;
  if (!bucket) {
    r.add('nix-bucket-unknown', 'warning', [], `no bucket is named (give one) so Nix readiness for ${intent} cannot be checked`);
    return;
  }
  const statementList = Array.isArray(doc.Statement) ? (doc.Statement as Json[]) : undefined;

  const readCheck = (principal: string, who: string, missingId: string) => {
    const unreadable = nixReadKeys.filter((k) => !allows(doc, principal, 's3:GetObject', bucket, k));
    if (unreadable.length) {
      const stmt: Json = {
        Sid: principal === 'anonymous' ? 'NixCacheAnonymousRead' : 'NixCacheRead',
        Effect: 'Allow',
        Principal: principal === 'anonymous' ? '*' : { AWS: principal },
        Action: ['s3:GetObject', 's3:GetBucketLocation', 's3:ListBucket'],
        Resource: [bucketArn(bucket), `${bucketArn(bucket)}/*`],
      };
      const fix = statementList ? { title: `Add a statement that lets ${who} read the cache`, edits: r.append(['Statement'], stmt) } : undefined;
      r.add(missingId, 'error', statementList ? ['Statement'] : [], `${who} cannot read ${unreadable.join(', ')} (s3:GetObject on ${bucketArn(bucket)}/*): Nix cannot use this cache`, fix);
      return false;
    }
    if (!allows(doc, principal, 's3:ListBucket', bucket)) {
      r.add('nix-miss-403', 'warning', statementList ? ['Statement'] : [], `${who} may not list the bucket (s3:ListBucket on ${bucketArn(bucket)}): a missing path answers 403 instead of 404; Nix treats both as missing, but 404 is clearer`);
    }
    return true;
  };

  if (intent === 'public-cache') {
    readCheck('anonymous', 'an anonymous caller', 'nix-public-read-missing');
    return;
  }

  const principal = options.principal ?? namedPrincipal(statements, intent);
  if (!principal) {
    r.add('nix-principal-unknown', 'warning', [], `no principal is named for ${intent}: give one (an ARN) to check what it may do`);
    return;
  }
  if (intent === 'private-cache') {
    readCheck(principal, principal, 'nix-reader-missing');
    return;
  }
  const missing = uploaderActions.filter((a) => !allows(doc, principal, a, bucket, objectAction(a) ? 'nar/x.nar.xz' : undefined));
  const essential = missing.filter((a) => uploaderEssential.includes(a));
  const others = missing.filter((a) => !uploaderEssential.includes(a));
  if (essential.length) r.add('nix-uploader-missing', 'error', statementList ? ['Statement'] : [], `${principal} lacks ${essential.join(', ')}: nix copy --to this bucket fails`);
  if (others.length) {
    r.add(
      'nix-uploader-incomplete',
      'warning',
      statementList ? ['Statement'] : [],
      `${principal} lacks ${others.join(', ')}: large NARs go up in multipart uploads, and a failed one cannot be cleaned up (its parts stay, and are billed)`,
    );
  }
}

/** The one principal the Allow statements name, when the caller did not give one. */
function namedPrincipal(statements: Statement[], intent: string): string | undefined {
  const wanted = intent === 'uploader' ? /put|\*/i : /get|\*/i;
  for (const s of statements) {
    if (s.effect !== 'Allow' || isPublicGrant(s) || !s.principal) continue;
    if (!(s.action ?? []).some((a) => wanted.test(a.value))) continue;
    const p = s.principal.find((e) => e.type === 'AWS' && e.value !== '*');
    if (p) return p.value;
  }
  return undefined;
}
