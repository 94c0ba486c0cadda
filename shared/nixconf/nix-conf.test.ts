import { describe, expect, it } from 'vitest';
import { ListSetting, parseNixConf } from './nix-conf';

describe('parseNixConf', () => {
  it('reads settings, includes and comments as Nix does', () => {
    const text = [
      '# comment',
      'substituters = https://a https://b   # trailing comment',
      '',
      'extra-trusted-public-keys =   k1:AAA=\tk2:BBB=',
      'include ./more.conf',
      '!include /nope.conf',
      'empty =',
    ].join('\n');
    expect(parseNixConf(text, 'nix.conf')).toEqual([
      { kind: 'set', name: 'substituters', value: 'https://a https://b', line: 2 },
      { kind: 'set', name: 'extra-trusted-public-keys', value: 'k1:AAA= k2:BBB=', line: 4 },
      { kind: 'include', path: './more.conf', optional: false, line: 5 },
      { kind: 'include', path: '/nope.conf', optional: true, line: 6 },
      { kind: 'set', name: 'empty', value: '', line: 7 },
    ]);
  });

  it.each([
    ['lonely', 'a single word, expected NAME = VALUE'],
    ['a b c', 'no "=" after the setting name, expected NAME = VALUE'],
    ['include a b', 'include takes exactly one path, found 2 words after it'],
    ['!include', '!include takes exactly one path, found 0 words after it'],
  ])('rejects %j naming file, line and what is wrong', (line, what) => {
    expect(() => parseNixConf(`x = 1\n${line}`, '/etc/nix/nix.conf')).toThrow(`/etc/nix/nix.conf:2: syntax error: ${what} (Nix would refuse this file)`);
  });

  it.each([
    'access-tokens github.com=ghp_FAKEs3cr3t0123456789',
    'ghp_FAKEs3cr3t0123456789',
    'secret-key-files /etc/nix/ghp_FAKEs3cr3t0123456789.sec',
    'include ghp_FAKEs3cr3t0123456789 x',
  ])('never puts the words of a bad line in the message: %s', (line) => {
    let message = '';
    try {
      parseNixConf(line, 'nix.conf');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^nix\.conf:1: syntax error/);
    expect(message).not.toContain('FAKEs3cr3t');
  });
});

describe('ListSetting', () => {
  it('replaces on assignment, appends with extra-, and falls back to defaults', () => {
    const keys = new ListSetting('trusted-public-keys');
    keys.apply('extra-trusted-public-keys', 'x:1', { where: 'a', line: 1 });
    expect(keys.values(['default:0']).map((v) => v.word)).toEqual(['default:0', 'x:1']);
    keys.apply('trusted-public-keys', 'y:2 z:3', { where: 'b', line: 4 });
    keys.apply('substituters', 'ignored', { where: 'b', line: 5 });
    keys.apply('extra-trusted-public-keys', 'w:4', { where: 'NIX_CONFIG' });
    expect(keys.values(['default:0'])).toEqual([
      { word: 'y:2', source: { where: 'b', line: 4 }, setting: 'trusted-public-keys' },
      { word: 'z:3', source: { where: 'b', line: 4 }, setting: 'trusted-public-keys' },
      { word: 'w:4', source: { where: 'NIX_CONFIG' }, setting: 'extra-trusted-public-keys' },
    ]);
  });
});
