// The checker runs on every keystroke of the editor: whatever the text, it returns findings, never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from './check';
import { simulate } from './simulate';
import { templates } from './templates';
import type { PolicyDocument } from './types';

const word = fc.constantFrom('*', 's3:GetObject', 's3:Get*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*', 'Allow', 'Deny', 'aws:SourceIp', '10.0.0.0/8', 'true', '${aws:username}', 'x', '');
const key = fc.constantFrom('Version', 'Statement', 'Sid', 'Effect', 'Principal', 'NotPrincipal', 'AWS', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Bool', 'IpAddress', 'ForAllValues:StringLike', 'aws:SecureTransport', '__proto__');
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, word, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 5 })),
})).value;

describe('checker and simulator on arbitrary input', () => {
  it('checkPolicy never throws, and every finding points inside the text', () => {
    fc.assert(
      fc.property(json, fc.constantFrom(undefined, 'public-cache', 'private-cache', 'uploader') as fc.Arbitrary<undefined | 'public-cache' | 'private-cache' | 'uploader'>, (value, intent) => {
        const text = JSON.stringify(value, null, 2) ?? '';
        for (const f of checkPolicy(text, { intent, bucket: 'b' })) {
          expect(f.offset).toBeGreaterThanOrEqual(0);
          expect(f.offset + f.length).toBeLessThanOrEqual(text.length);
          expect(f.message).not.toContain('\n');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('checkPolicy never throws on a template cut at any point', () => {
    const text = templates('b').map((t) => t.text).join('');
    for (let i = 0; i < text.length; i += 7) expect(() => checkPolicy(text.slice(0, i))).not.toThrow();
  });

  it('simulate evaluates any object without throwing', () => {
    fc.assert(
      fc.property(fc.dictionary(key, json, { maxKeys: 4 }), (doc) => {
        const r = simulate(doc as PolicyDocument, { principal: 'anonymous', action: 's3:GetObject', bucket: 'b', key: 'k', context: { 'aws:SourceIp': '10.1.1.1' } });
        expect(['allowed', 'explicit-deny', 'implicit-deny']).toContain(r.decision);
      }),
      { numRuns: 400 },
    );
  });
});
