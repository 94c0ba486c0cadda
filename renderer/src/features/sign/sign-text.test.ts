import { describe, expect, it } from 'vitest';
import { maxPathsAtOnce, parsePathLines, signFraction, signProgressText, signSummaryText } from './sign-text';

const hash = 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q';

describe('parsePathLines', () => {
  it('takes store paths, base names and hashes, one a line, once each, skipping blanks and comments', () => {
    const text = `  /nix/store/${hash}-narwhal-top/ \n\n# the leaf\n${hash}-narwhal-top\r\n${hash}\n/nix/store/${hash}-narwhal-top\n`;
    expect(parsePathLines(text)).toEqual({ paths: [`/nix/store/${hash}-narwhal-top`, `${hash}-narwhal-top`, hash], problems: [] });
  });

  it('points at each line that is not a path, by number', () => {
    const { paths, problems } = parsePathLines(`${hash}\nhello\n/nix/store/${hash.replace('a', 'e')}-x\n/tmp/${hash}-x`);
    expect(paths).toEqual([hash]);
    expect(problems).toEqual([
      'line 2: “hello” is not a store path (/nix/store/<hash>-<name>), a base name or a hash',
      `line 3: “/nix/store/${hash.replace('a', 'e')}-x” is not a store path (/nix/store/<hash>-<name>), a base name or a hash`,
      `line 4: “/tmp/${hash}-x” is not a store path (/nix/store/<hash>-<name>), a base name or a hash`,
    ]);
  });

  it('refuses more paths than one job takes', () => {
    const many = Array.from({ length: maxPathsAtOnce + 1 }, (_, i) => `${hash}-p${i}`).join('\n');
    expect(parsePathLines(many).problems).toEqual(['1,001 paths: at most 1,000 at once; sign all paths instead']);
  });
});

describe('sign progress and summary in words', () => {
  it('says each phase, with a fraction only while signing', () => {
    expect(signProgressText(undefined)).toBe('Starting…');
    expect(signProgressText({ phase: 'closure', found: 12, failed: 1 })).toBe('Following references in the cache: 12 paths found, 1 missing');
    expect(signProgressText({ phase: 'listing', listed: 1 })).toBe('Listing the cache: 1 narinfo so far');
    const signing = { phase: 'signing', done: 250, total: 1000, signed: 200, alreadySigned: 49, failed: 1 } as const;
    expect(signProgressText(signing)).toBe('250 of 1,000 paths looked at: 200 signed, 49 signed already, 1 failed');
    expect(signFraction(signing)).toBe(0.25);
    expect(signFraction({ phase: 'listing', listed: 5 })).toBeUndefined();
    expect(signFraction({ ...signing, done: 0, total: 0 })).toBe(1);
  });

  it('sums up what was signed, what had the signature and what failed', () => {
    const summary = { signed: 1, alreadySigned: 3, total: 6, failed: [], failedCount: 2, signedWith: 'k-1:x', substituters: '' };
    expect(signSummaryText(summary, 'k-1')).toBe('1 path signed with k-1, 3 signed already, 2 failed.');
    expect(signSummaryText({ ...summary, failedCount: 0 }, 'k-1')).toBe('1 path signed with k-1, 3 signed already.');
  });
});
