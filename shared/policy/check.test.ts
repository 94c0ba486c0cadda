import { describe, expect, it } from 'vitest';
import { checkPolicy, isFailing } from './check';
import { formatPath, parsePolicyText } from './parse';
import { applyFix } from './report';

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement }, null, 2);
const ids = (text: string, options = {}) => checkPolicy(text, options).map((f) => f.id);
const only = (text: string, id: string, options = {}) => {
  const found = checkPolicy(text, options).filter((f) => f.id === id);
  expect(found, id).toHaveLength(1);
  return found[0]!;
};
const B = 'arn:aws:s3:::cache';

describe('parse', () => {
  it('gives each value its line and column, and writes JSONPaths with brackets where needed', () => {
    const text = '{\n  "Statement": [\n    { "Condition": { "Bool": { "aws:SecureTransport": "false" } } }\n  ]\n}';
    const parsed = parsePolicyText(text);
    const path = ['Statement', 0, 'Condition', 'Bool', 'aws:SecureTransport'];
    const span = parsed.spanOf(path);
    expect(text.slice(span.offset, span.offset + span.length)).toBe('"false"');
    expect(parsed.lineColumn(span.offset)).toEqual({ line: 3, column: 55 });
    expect(text.slice(parsed.keySpanOf(path).offset).startsWith('"aws:SecureTransport"')).toBe(true);
    expect(formatPath(path)).toBe("$.Statement[0].Condition.Bool['aws:SecureTransport']");
    expect(formatPath([])).toBe('$');
  });

  it('refuses comments and trailing commas, and keeps __proto__ as data', () => {
    expect(parsePolicyText('{"a": 1,}').syntaxErrors.map((e) => e.message)).toEqual(['expected a property name in double quotes (a trailing comma, or a key without quotes?)']);
    expect(parsePolicyText('{"a": [1,]}').syntaxErrors).toHaveLength(1);
    expect(parsePolicyText('/* c */ {}').syntaxErrors[0]!.message).toMatch(/comments are not allowed/);
    const value = parsePolicyText('{"__proto__": {"polluted": true}}').value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('checkPolicy', () => {
  it('reports an empty text and a non-object', () => {
    expect(checkPolicy('')).toMatchObject([{ id: 'json-syntax', severity: 'error', line: 1, column: 1 }]);
    expect(ids('[]')).toEqual(['policy-not-object']);
  });

  it('fixes Version mechanically', () => {
    const text = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/a' }, Action: 's3:GetObject', Resource: `${B}/*` }).replace('2012-10-17', '2025-01-01');
    const f = only(text, 'version-invalid');
    expect(f.fix!.title).toBe('Set Version to "2012-10-17"');
    expect(ids(applyFix(text, f.fix!))).toEqual([]);
  });

  it('adds the missing /* for object actions on the bucket ARN', () => {
    const text = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/a' }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: B });
    const f = only(text, 'action-resource-mismatch');
    expect(f.path).toBe('$.Statement[0].Action[0]');
    expect(f.fix!.title).toBe(`Add ${B}/* to Resource`);
    const fixed = JSON.parse(applyFix(text, f.fix!)) as { Statement: { Resource: string[] }[] };
    expect(fixed.Statement[0]!.Resource).toEqual([B, `${B}/*`]);
  });

  it('moves an action to the statement with the right resource when there is one', () => {
    const text = doc(
      { Sid: 'Objects', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/a' }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: `${B}/*` },
      { Sid: 'Bucket', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/a' }, Action: ['s3:GetBucketLocation'], Resource: B },
    );
    const f = only(text, 'action-resource-mismatch');
    expect(f.fix!.title).toBe('Move s3:ListBucket to statement 1');
    const fixed = applyFix(text, f.fix!);
    const s = (JSON.parse(fixed) as { Statement: { Action: string[] }[] }).Statement;
    expect(s[0]!.Action).toEqual(['s3:GetObject']);
    expect(s[1]!.Action).toEqual(['s3:GetBucketLocation', 's3:ListBucket']);
    expect(ids(fixed)).toEqual([]);
  });

  it('suggests the closest action, operator and condition key, with fixes', () => {
    const text = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:ListBukcet',
      Resource: B,
      Condition: { IpAdress: { 'aws:SourceIp': '10.0.0.0/8' }, StringEquals: { 'aws:SoruceVpce': 'vpce-1' } },
    });
    expect(only(text, 'unknown-action').message).toBe('unknown S3 action "s3:ListBukcet": did you mean "s3:ListBucket"?');
    const op = only(text, 'condition-operator-unknown');
    expect(op.message).toBe('unknown condition operator "IpAdress": did you mean "IpAddress"?');
    expect(applyFix(text, op.fix!)).toContain('"IpAddress": {');
    expect(only(text, 'condition-key-unknown').message).toMatch(/did you mean "aws:SourceVpce"\?/);
  });

  it('accepts set qualifiers and IfExists, and rejects misspelt ones', () => {
    const ok = doc({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${B}/*`, Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'x*' }, StringEqualsIfExists: { 'aws:username': 'a' } } });
    expect(ids(ok)).toEqual([]);
    const bad = ok.replace('ForAnyValue:', 'ForAnyValues:');
    expect(only(bad, 'condition-operator-unknown').message).toBe('unknown condition operator "ForAnyValues:StringLike": did you mean "ForAnyValue:StringLike"?');
  });

  it('calls a public grant pinned to a VPC endpoint or an account not public, and one pinned by a negated operator public', () => {
    const grant = (Condition: object) => doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${B}/*`, Condition });
    expect(ids(grant({ StringEquals: { 'aws:SourceAccount': '123456789012' } }))).toEqual([]);
    expect(ids(grant({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }))).toEqual([]);
    expect(ids(grant({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }))).toEqual(['public-read']);
    expect(ids(grant({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }))).toEqual(['public-read']);
    expect(ids(grant({ StringLike: { 'aws:SourceVpce': 'vpce-*' } }))).toEqual(['public-read']);
    expect(ids(grant({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }))).toEqual([]);
    expect(ids(grant({ IpAddress: { 'aws:SourceIp': '2001:db8::/16' } }))).toEqual(['public-read']);
  });

  it('reports a public read by intent: a warning without one, nothing for a public cache, a security finding for a private one', () => {
    const text = doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [B, `${B}/*`] });
    expect(checkPolicy(text).map((f) => [f.id, f.severity])).toEqual([['public-read', 'warning']]);
    expect(checkPolicy(text, { intent: 'public-cache' })).toEqual([]);
    const findings = checkPolicy(text, { intent: 'private-cache', principal: 'arn:aws:iam:::user/a' });
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['public-read', 'security']]);
    expect(isFailing(findings)).toBe(true);
  });

  it('finds a public cache that anonymous callers cannot read, and adds the statement that lets them', () => {
    const text = doc({ Sid: 'Uploader', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/ci' }, Action: ['s3:GetObject', 's3:PutObject'], Resource: `${B}/*` });
    const f = only(text, 'nix-public-read-missing', { intent: 'public-cache' });
    expect(f.message).toBe('an anonymous caller cannot read nix-cache-info, 0000000000000000000000000000000a.narinfo, nar/0000000000000000000000000000000000000000000000000000.nar.xz (s3:GetObject on arn:aws:s3:::cache/*): Nix cannot use this cache');
    expect(checkPolicy(applyFix(text, f.fix!), { intent: 'public-cache' })).toEqual([]);
  });

  it('finds the uploader among the statements when no principal is given', () => {
    const text = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/ci' }, Action: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'], Resource: [B, `${B}/*`] });
    expect(checkPolicy(text, { intent: 'uploader' }).map((f) => f.message)).toEqual([
      'arn:aws:iam:::user/ci lacks s3:AbortMultipartUpload, s3:GetBucketLocation, s3:ListBucketMultipartUploads, s3:ListMultipartUploadParts: large NARs go up in multipart uploads, and a failed one cannot be cleaned up (its parts stay, and are billed)',
    ]);
  });

  it('checks an IAM user policy without a Principal, and refuses one with', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${B}/*` }] });
    expect(checkPolicy(text, { kind: 'iam-user-policy' })).toEqual([]);
    expect(ids(text)).toEqual(['principal-missing']);
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${B}/*` }] });
    expect(ids(withPrincipal, { kind: 'iam-user-policy' })).toEqual(['principal-in-iam-policy']);
  });

  it('flags both Principal and NotPrincipal, and a wrapped bare ARN', () => {
    const text = doc({ Effect: 'Deny', Principal: 'arn:aws:iam:::user/a', NotPrincipal: { AWS: 'arn:aws:iam:::user/b' }, Action: 's3:DeleteObject', Resource: `${B}/*` });
    expect(ids(text)).toEqual(['principal-invalid', 'principal-and-notprincipal']);
    const f = only(text, 'principal-invalid');
    expect(applyFix(text, f.fix!)).toContain('"Principal": {\n        "AWS": "arn:aws:iam:::user/a"\n      }');
  });

  it('warns about policy variables under the old Version (RGW 16.2 refuses such policies, so they are not in the corpus)', () => {
    const text = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam:::user/a' }, Action: 's3:GetObject', Resource: `${B}/home/\${aws:username}/*` });
    expect(ids(text)).toEqual([]);
    const old = text.replace('2012-10-17', '2008-10-17');
    expect(ids(old)).toEqual(['policy-variable-old-version', 'version-old']);
    expect(ids(applyFix(old, only(old, 'policy-variable-old-version').fix!))).toEqual([]);
  });

  it('every message is one line and every place is inside the text', () => {
    const text = doc({ Sid: 1, Effect: 'Permit', Principal: { Users: 'x' }, Action: [3, 'ec2:*', 's3:*Nope*'], Resource: ['x', 'arn:aws:s4:::b'], Condition: { Bool: 'x' } });
    const findings = checkPolicy(text, { bucket: 'cache' });
    expect(findings.length).toBeGreaterThan(6);
    for (const f of findings) {
      expect(f.message).not.toMatch(/\n/);
      expect(f.offset + f.length).toBeLessThanOrEqual(text.length);
    }
  });
});
