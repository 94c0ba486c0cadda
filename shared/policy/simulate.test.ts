import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseOperator } from './conditions';
import { cidrContains, parseCidr } from './ip';
import { PolicySimulationError, simulate } from './simulate';
import type { PolicyDocument, SimulationRequest } from './types';

const B = 'arn:aws:s3:::cache';
const alice = 'arn:aws:iam:::user/alice';
const bob = 'arn:aws:iam:::user/bob';

function policy(...Statement: object[]): PolicyDocument {
  return { Version: '2012-10-17', Statement } as unknown as PolicyDocument;
}
const req = (r: Partial<SimulationRequest>): SimulationRequest => ({ principal: 'anonymous', action: 's3:GetObject', bucket: 'cache', key: 'nix-cache-info', ...r });

describe('simulate', () => {
  const read = { Sid: 'Read', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${B}/*` };

  it('allows what an Allow matches, and implicitly denies the rest', () => {
    const p = policy(read);
    const r = simulate(p, req({}));
    expect(r.decision).toBe('allowed');
    expect(r.resource).toBe(`${B}/nix-cache-info`);
    expect(r.statements).toEqual([{ sid: 'Read', index: 0, effect: 'Allow', matched: true, why: 'Principal, Action and Resource match' }]);
    const put = simulate(p, req({ action: 's3:PutObject' }));
    expect(put.decision).toBe('implicit-deny');
    expect(put.statements[0]!.why).toBe('Action does not include s3:PutObject');
  });

  it('lets an explicit Deny win over any Allow, in any order', () => {
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${B}/secret/*` };
    expect(simulate(policy(read, deny), req({ key: 'secret/x' })).decision).toBe('explicit-deny');
    expect(simulate(policy(deny, read), req({ key: 'secret/x' })).decision).toBe('explicit-deny');
    expect(simulate(policy(deny, read), req({ key: 'public/x' })).decision).toBe('allowed');
  });

  it('matches actions case-insensitively and resources case-sensitively, with * and ?', () => {
    const p = policy({ Effect: 'Allow', Principal: '*', Action: 's3:get*', Resource: `${B}/nar/?.nar` });
    expect(simulate(p, req({ key: 'nar/a.nar' })).decision).toBe('allowed');
    expect(simulate(p, req({ action: 'S3:GETOBJECT', key: 'nar/a.nar' })).decision).toBe('allowed');
    expect(simulate(p, req({ key: 'nar/ab.nar' })).decision).toBe('implicit-deny');
    expect(simulate(p, req({ key: 'NAR/a.nar' })).decision).toBe('implicit-deny');
  });

  it('builds bucket ARNs for bucket actions and object ARNs for object actions', () => {
    const p = policy({ Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: B });
    const r = simulate(p, req({ action: 's3:ListBucket', key: 'ignored' }));
    expect(r.resource).toBe(B);
    expect(r.decision).toBe('allowed');
    expect(() => simulate(p, req({ key: undefined }))).toThrow(/needs a key/);
    expect(() => simulate('{"Version": ', req({}))).toThrow(PolicySimulationError);
  });

  it('tells anonymous callers from named principals', () => {
    const p = policy({ Effect: 'Allow', Principal: { AWS: alice }, Action: 's3:GetObject', Resource: `${B}/*` });
    expect(simulate(p, req({})).decision).toBe('implicit-deny');
    expect(simulate(p, req({})).statements[0]!.why).toBe('Principal does not include an anonymous caller');
    expect(simulate(p, req({ principal: alice })).decision).toBe('allowed');
    expect(simulate(p, req({ principal: bob })).decision).toBe('implicit-deny');
    // {"AWS": "*"} is everyone, anonymous callers included.
    expect(simulate(policy({ ...read, Principal: { AWS: '*' } }), req({})).decision).toBe('allowed');
  });

  it('takes an account id or root ARN as every principal of that account', () => {
    const p = policy({ Effect: 'Allow', Principal: { AWS: ['111122223333'] }, Action: 's3:GetObject', Resource: `${B}/*` });
    expect(simulate(p, req({ principal: 'arn:aws:iam::111122223333:user/x' })).decision).toBe('allowed');
    expect(simulate(p, req({ principal: 'arn:aws:iam::444455556666:user/x' })).decision).toBe('implicit-deny');
    const root = policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: `${B}/*` });
    expect(simulate(root, req({ principal: 'arn:aws:iam::111122223333:role/r' })).decision).toBe('allowed');
  });

  it('inverts NotPrincipal, NotAction and NotResource', () => {
    const p = policy({ Effect: 'Deny', NotPrincipal: { AWS: alice }, NotAction: 's3:GetObject', NotResource: `${B}/public/*` }, { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: `${B}/*` });
    expect(simulate(p, req({ principal: bob, action: 's3:PutObject', key: 'x' })).decision).toBe('explicit-deny');
    expect(simulate(p, req({ principal: alice, action: 's3:PutObject', key: 'x' })).decision).toBe('allowed');
    expect(simulate(p, req({ principal: bob, action: 's3:GetObject', key: 'x' })).decision).toBe('allowed');
    expect(simulate(p, req({ principal: bob, action: 's3:PutObject', key: 'public/x' })).decision).toBe('allowed');
    const why = simulate(p, req({ principal: alice, action: 's3:PutObject', key: 'x' })).statements[0]!.why;
    expect(why).toBe(`NotPrincipal excludes ${alice} (${alice})`);
  });

  it('evaluates the HTTPS-only rule against aws:SecureTransport', () => {
    const https = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [B, `${B}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const p = policy(read, https);
    expect(simulate(p, req({ context: { 'aws:SecureTransport': 'false' } })).decision).toBe('explicit-deny');
    expect(simulate(p, req({ context: { 'aws:SecureTransport': 'true' } })).decision).toBe('allowed');
    // Absent from the request: Bool is a positive operator, so the Deny does not apply.
    expect(simulate(p, req({})).decision).toBe('allowed');
  });

  it('evaluates IP conditions with CIDR ranges, IPv4 and IPv6', () => {
    const p = policy({ ...read, Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } } });
    expect(simulate(p, req({ context: { 'aws:SourceIp': '203.0.113.9' } })).decision).toBe('allowed');
    expect(simulate(p, req({ context: { 'aws:SourceIp': '203.0.114.9' } })).decision).toBe('implicit-deny');
    expect(simulate(p, req({ context: { 'aws:SourceIp': '2001:db8:1::5' } })).decision).toBe('allowed');
    expect(simulate(p, req({})).statements[0]!.why).toMatch(/aws:SourceIp is absent/);
    const not = policy({ ...read, Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } });
    expect(simulate(not, req({ context: { 'aws:SourceIp': '10.1.2.3' } })).decision).toBe('implicit-deny');
    expect(simulate(not, req({ context: { 'aws:SourceIp': '192.0.2.1' } })).decision).toBe('allowed');
  });

  it('ANDs operators and keys, ORs the values of one key', () => {
    const p = policy({
      ...read,
      Condition: { StringEquals: { 'aws:username': ['alice', 'carol'] }, StringLike: { 's3:prefix': 'nar/*' } },
    });
    const ctx = (username: string, prefix: string) => req({ context: { 'aws:username': username, 's3:prefix': prefix } });
    expect(simulate(p, ctx('alice', 'nar/x')).decision).toBe('allowed');
    expect(simulate(p, ctx('carol', 'nar/x')).decision).toBe('allowed');
    expect(simulate(p, ctx('bob', 'nar/x')).decision).toBe('implicit-deny');
    expect(simulate(p, ctx('alice', 'x')).decision).toBe('implicit-deny');
  });

  it('fills aws:username from a user ARN and substitutes policy variables in resources', () => {
    const p = policy({ Effect: 'Allow', Principal: { AWS: [alice, bob] }, Action: 's3:PutObject', Resource: `${B}/home/\${aws:username}/*` });
    expect(simulate(p, req({ principal: alice, action: 's3:PutObject', key: 'home/alice/x' })).decision).toBe('allowed');
    expect(simulate(p, req({ principal: bob, action: 's3:PutObject', key: 'home/alice/x' })).decision).toBe('implicit-deny');
    // Version 2008-10-17 has no variables: the text is literal.
    const old = { ...p, Version: '2008-10-17' };
    expect(simulate(old, req({ principal: alice, action: 's3:PutObject', key: 'home/alice/x' })).decision).toBe('implicit-deny');
  });

  it('evaluates ...IfExists, Null, numeric and date operators', () => {
    const ifExists = policy({ ...read, Condition: { StringEqualsIfExists: { 'aws:username': 'alice' } } });
    expect(simulate(ifExists, req({})).decision).toBe('allowed');
    expect(simulate(ifExists, req({ context: { 'aws:username': 'bob' } })).decision).toBe('implicit-deny');
    const nul = policy({ ...read, Condition: { Null: { 'aws:SourceVpce': 'true' } } });
    expect(simulate(nul, req({})).decision).toBe('allowed');
    expect(simulate(nul, req({ context: { 'aws:SourceVpce': 'vpce-1' } })).decision).toBe('implicit-deny');
    const num = policy({ ...read, Condition: { NumericLessThanEquals: { 's3:max-keys': '100' } } });
    expect(simulate(num, req({ context: { 's3:max-keys': '50' } })).decision).toBe('allowed');
    expect(simulate(num, req({ context: { 's3:max-keys': '500' } })).decision).toBe('implicit-deny');
    const date = policy({ ...read, Condition: { DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } } });
    expect(simulate(date, req({ context: { 'aws:CurrentTime': '2026-12-03T12:00:00Z' } })).decision).toBe('allowed');
    expect(simulate(date, req({ context: { 'aws:CurrentTime': '2027-06-01T00:00:00Z' } })).decision).toBe('implicit-deny');
  });

  it('treats a negated operator on an absent key as holding', () => {
    const p = policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `${B}/*`, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } } }, read);
    expect(simulate(p, req({})).decision).toBe('explicit-deny');
    expect(simulate(p, req({ context: { 'aws:SourceVpce': 'vpce-1' } })).decision).toBe('allowed');
  });

  it('compares sets with ForAnyValue and ForAllValues', () => {
    const any = parseOperator('ForAnyValue:StringEquals')!;
    const all = parseOperator('ForAllValues:StringLike')!;
    expect(evaluateCondition(any, 'aws:TagKeys', ['a', 'b'], ['x', 'b']).matched).toBe(true);
    expect(evaluateCondition(any, 'aws:TagKeys', ['a', 'b'], ['x']).matched).toBe(false);
    expect(evaluateCondition(any, 'aws:TagKeys', ['a'], undefined).matched).toBe(false);
    expect(evaluateCondition(all, 'aws:TagKeys', ['team-*'], ['team-a', 'team-b']).matched).toBe(true);
    expect(evaluateCondition(all, 'aws:TagKeys', ['team-*'], ['team-a', 'other']).matched).toBe(false);
    expect(evaluateCondition(all, 'aws:TagKeys', ['team-*'], undefined).matched).toBe(true);
  });

  it('matches ARN conditions segment by segment', () => {
    const op = parseOperator('ArnLike')!;
    expect(evaluateCondition(op, 'aws:SourceArn', ['arn:aws:iam::*:user/ci-*'], ['arn:aws:iam::123456789012:user/ci-1']).matched).toBe(true);
    expect(evaluateCondition(op, 'aws:SourceArn', ['arn:aws:iam::*:user/ci-*'], ['arn:aws:iam::123456789012:role/ci-1']).matched).toBe(false);
    expect(parseOperator('ForAllValues:Null')).toBeUndefined();
    expect(parseOperator('NullIfExists')).toBeUndefined();
    expect(parseOperator('StringEqual')).toBeUndefined();
    expect(parseOperator('stringequalsifexists')?.canonical).toBe('StringEqualsIfExists');
  });

  it('ignores statements whose Effect is neither Allow nor Deny, and says so', () => {
    const r = simulate(policy({ ...read, Effect: 'allow' }), req({}));
    expect(r.decision).toBe('implicit-deny');
    expect(r.statements[0]!.why).toMatch(/neither Allow nor Deny/);
  });
});

describe('CIDR', () => {
  it('parses and contains', () => {
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('10.255.0.1')!)).toBe(true);
    expect(cidrContains(parseCidr('10.0.0.0/8')!, parseCidr('11.0.0.1')!)).toBe(false);
    expect(cidrContains(parseCidr('::ffff:0:0/96')!, parseCidr('::ffff:1.2.3.4')!)).toBe(true);
    expect(parseCidr('300.1.1.1')).toBeUndefined();
    expect(parseCidr('1.2.3.4/33')).toBeUndefined();
    expect(parseCidr('1::2::3')).toBeUndefined();
    expect(parseCidr('0.0.0.0/0')?.prefix).toBe(0);
  });
});
