import { describe, expect, it } from 'vitest';
import { checkPolicy } from './check';
import { simulate } from './simulate';
import { templates } from './templates';

describe('templates', () => {
  for (const principal of [undefined, 'arn:aws:iam:::user/ci']) {
    for (const t of templates('nix-cache', principal)) {
      it(`${t.id} (principal ${principal ?? 'example'}) checks clean with its intent`, () => {
        expect(checkPolicy(t.text, { bucket: 'nix-cache', intent: t.intent, principal, kind: t.kind })).toEqual([]);
        expect(t.text).toContain('arn:aws:s3:::nix-cache/*');
      });
    }
  }

  it('the anonymous read template lets anyone read and list, and nothing else', () => {
    const t = templates('nix-cache').find((x) => x.id === 'anonymous-read')!;
    const anon = (action: string, key?: string) => simulate(t.text, { principal: 'anonymous', action, bucket: 'nix-cache', key }).decision;
    expect(anon('s3:GetObject', 'nix-cache-info')).toBe('allowed');
    expect(anon('s3:ListBucket')).toBe('allowed');
    expect(anon('s3:PutObject', 'x.narinfo')).toBe('implicit-deny');
    expect(t.explanation).toMatch(/404/);
    expect(t.explanation).toMatch(/403/);
  });

  it('the HTTPS-only template denies plain HTTP and leaves HTTPS to the other statements', () => {
    const t = templates('nix-cache').find((x) => x.id === 'https-only')!;
    const run = (secure: string) => simulate(t.text, { principal: 'anonymous', action: 's3:GetObject', bucket: 'nix-cache', key: 'k', context: { 'aws:SecureTransport': secure } }).decision;
    expect(run('false')).toBe('explicit-deny');
    expect(run('true')).toBe('implicit-deny');
  });

  it('the uploader template has the seven actions nix copy needs for the given principal', () => {
    const t = templates('nix-cache', 'arn:aws:iam:::user/ci').find((x) => x.id === 'uploader')!;
    expect(JSON.parse(t.text).Statement[0].Action).toHaveLength(7);
    expect(simulate(t.text, { principal: 'arn:aws:iam:::user/ci', action: 's3:PutObject', bucket: 'nix-cache', key: 'nar/a.nar.xz' }).decision).toBe('allowed');
    expect(simulate(t.text, { principal: 'arn:aws:iam:::user/other', action: 's3:PutObject', bucket: 'nix-cache', key: 'nar/a.nar.xz' }).decision).toBe('implicit-deny');
  });
});
