import { describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeStep } from './probe';
import { expectationForSavedPolicy, expectationFromFindings, probeDisagreements } from './probe-compare';

const bucket = 'cache';
const policy = (statements: object[]) => ({ state: 'policy' as const, text: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
const publicRead = (actions: string[]) => ({ Effect: 'Allow', Principal: '*', Action: actions, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] });

function probe(cacheInfo: Partial<ProbeStep>, miss: Partial<ProbeStep>): ProbeResult {
  const step = (id: ProbeStep['id'], over: Partial<ProbeStep>): ProbeStep => ({ id, request: '', method: 'GET', target: '', principal: 'anonymous', outcome: 'ok', meaning: '', verdict: 'good', elapsedMs: 1, ...over });
  return { steps: [step('anonymous-cache-info', cacheInfo), step('anonymous-missing-narinfo', miss)], addressing: 'path', writeKey: 'k', deadlineMs: 10_000, at: '' };
}
const ok = { status: 200, outcome: 'ok' as const };
const denied = { status: 403, outcome: 'denied' as const };
const missing = { status: 404, outcome: 'missing' as const };

describe('expectations from the checker', () => {
  it('public read with ListBucket: read, misses 404', () => {
    expect(expectationForSavedPolicy(policy([publicRead(['s3:GetObject', 's3:ListBucket'])]), bucket)).toMatchObject({ anonymousRead: true, anonymousMiss404: true });
  });
  it('public read without ListBucket: read, misses 403', () => {
    expect(expectationForSavedPolicy(policy([publicRead(['s3:GetObject'])]), bucket)).toMatchObject({ anonymousRead: true, anonymousMiss404: false });
  });
  it('an uploader only, or no policy at all: no anonymous read', () => {
    const upload = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/ci' }, Action: ['s3:PutObject'], Resource: [`arn:aws:s3:::${bucket}/*`] };
    expect(expectationForSavedPolicy(policy([upload]), bucket)).toMatchObject({ anonymousRead: false, anonymousMiss404: false });
    expect(expectationForSavedPolicy({ state: 'none' }, bucket)).toMatchObject({ anonymousRead: false, basis: 'the bucket having no policy' });
  });
  it('nothing to compare for a provider without policies, or a policy the checker cannot read', () => {
    expect(expectationForSavedPolicy({ state: 'unsupported', message: 'no' }, bucket)).toBeUndefined();
    expect(expectationForSavedPolicy({ state: 'policy', text: '{ nope' }, bucket)).toBeUndefined();
    expect(expectationFromFindings([{ id: 'policy-not-object', severity: 'error', path: '$', line: 1, column: 1, offset: 0, length: 0, message: '' }])).toBeUndefined();
  });
});

describe('probeDisagreements', () => {
  const readable = expectationForSavedPolicy(policy([publicRead(['s3:GetObject', 's3:ListBucket'])]), bucket);
  const closed = expectationForSavedPolicy({ state: 'none' }, bucket);

  it('agreement: no notes', () => {
    expect(probeDisagreements(probe(ok, missing), readable)).toEqual([]);
    expect(probeDisagreements(probe(denied, denied), closed)).toEqual([]);
  });

  it('the checker says public, the bucket refuses: a note on both requests', () => {
    const notes = probeDisagreements(probe(denied, denied), readable);
    expect(notes.map((n) => [n.step, n.expected, n.got])).toEqual([
      ['anonymous-cache-info', '200 (anyone may read)', '403'],
      ['anonymous-missing-narinfo', '404 (anyone may list)', '403'],
    ]);
    expect(notes[0]!.message).toContain('Block Public Access');
  });

  it('the checker says closed, the bucket serves: a note that it is more open than its policy', () => {
    const notes = probeDisagreements(probe(ok, missing), closed);
    expect(notes.map((n) => n.step)).toEqual(['anonymous-cache-info', 'anonymous-missing-narinfo']);
    expect(notes[0]!.message).toContain('more open than its policy says');
    expect(notes[1]!.message).toContain('answered 404');
  });

  it('answers that are not about permissions are not compared', () => {
    expect(probeDisagreements(probe({ outcome: 'timeout' }, { status: 404, outcome: 'no-such-bucket' }), readable)).toEqual([]);
    expect(probeDisagreements(probe(denied, denied), undefined)).toEqual([]);
  });
});
