import { describe, expect, it } from 'vitest';
import { leafXz, topXz } from '../nix/testdata/fixtures';
import { readNarinfoLeniently } from './lenient-narinfo';

describe('readNarinfoLeniently', () => {
  it('reads a narinfo Nix wrote with no problems, every line with its key and value', () => {
    const read = readNarinfoLeniently(topXz, { expectedHash: 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q' });
    expect(read.problems).toEqual([]);
    expect(read.lines).toHaveLength(topXz.split('\n').length - 1);
    expect(read.lines[0]).toEqual({ line: 1, text: 'StorePath: /nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top', key: 'StorePath', value: '/nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top' });
    expect(read.fields.references).toEqual(['71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf', 'khn540rbqyq3yi1mpn9lkq6l4f0ayb90-narwhal-mid']);
    expect(read.fields.sigs).toHaveLength(2);
    expect(read.fields.narSize).toBe(640);
  });

  it('goes on after a broken line: each problem names its line, and the good fields are still read', () => {
    const text = leafXz.replace('NarSize: 288', 'NarSize: 2x8').replace('Compression: xz', 'Compression:xz') + 'System: x86_64-linux\nFileSize: 12\n';
    const read = readNarinfoLeniently(text);
    expect(read.problems).toEqual([
      { line: 3, field: 'Compression', message: "expected one space after ':'" },
      { line: 7, field: 'NarSize', message: '"2x8" is not a non-negative decimal integer' },
    ]);
    expect(read.fields.narHash).toBe('sha256:1y6jm13lj85flc1wwa0zqv3zaq3fp4dz7n6axa7rn08s36y9mva8');
    expect(read.fields.fileSize).toBe(12);
    expect(read.lines.find((l) => l.key === 'System')).toMatchObject({ unknown: true, value: 'x86_64-linux' });
    expect(read.lines.find((l) => l.key === 'System')?.problem).toBeUndefined();
  });

  it('says what is missing, which has no line', () => {
    const read = readNarinfoLeniently('StorePath: /nix/store/71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf\n');
    expect(read.problems.map((p) => p.message)).toEqual(['NarHash missing (Nix needs it)', 'URL missing (Nix needs it)', 'NarSize missing (Nix needs it)']);
  });

  it('flags a truncated last line, Windows line endings, an empty line and a narinfo of another path', () => {
    const crlf = readNarinfoLeniently(leafXz.replace(/\n/g, '\r\n'));
    expect(crlf.lines[0]!.problem).toMatch(/'\\r'/);
    const truncated = readNarinfoLeniently(leafXz.slice(0, -1));
    expect(truncated.problems[0]).toMatchObject({ line: 11, message: expect.stringMatching(/does not end with '\\n'/) });
    const gap = readNarinfoLeniently(leafXz.replace('URL:', '\nURL:'));
    expect(gap.problems[0]).toEqual({ line: 2, message: 'empty line' });
    const other = readNarinfoLeniently(leafXz, { expectedHash: 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q' });
    expect(other.problems[0]).toMatchObject({ line: 1, field: 'StorePath', message: expect.stringContaining('describes another path') });
  });

  it('flags a second References line, a bad reference and a bad hash where they are', () => {
    const text = leafXz.replace('References: ', 'References: 71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf not-a-path\nReferences: x') .replace('FileHash: sha256:1f2h', 'FileHash: md5:1f2h');
    const read = readNarinfoLeniently(text);
    expect(read.problems.map((p) => [p.line, p.field])).toEqual([
      [4, 'FileHash'],
      [8, 'References'],
      [9, 'References'],
    ]);
    expect(read.fields.references).toEqual(['71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf']);
  });

  it('shows why a Sig is malformed on its line without calling the narinfo broken (Nix just ignores it)', () => {
    const read = readNarinfoLeniently(leafXz.replace(/Sig: test[^\n]*/, 'Sig: nonsense'));
    expect(read.problems).toEqual([]);
    expect(read.lines.find((l) => l.value === 'nonsense')).toMatchObject({ note: expect.stringMatching(/keyname:base64/) });
    expect(read.lines.find((l) => l.value === 'nonsense')?.problem).toBeUndefined();
  });
});
