import { describe, expect, it } from 'vitest';
import { checkContentAddressed } from './content-addressed-path';
import { parseNarinfo } from './narinfo';

/**
 * Unsigned narinfos that Nix 2.8 wrote (`nix copy --to file://…`) for content-addressed paths made as
 * the labels say. `nix copy --from` that folder with require-sigs on accepted every one of them, and
 * refused the last one once its CA hash was changed ("claims to be content-addressed but isn't").
 * (electron/cli/narinfo-ca.int.test.ts makes fresh ones with Nix on every run.)
 */
const fromNix: Array<[string, string]> = [
  ['nix-store --add f.txt (fixed:r:sha256, a "source" path)',
    'StorePath: /nix/store/7m1jxcq3hqi80m2z2d081fprhi6mfjgq-f.txt\n' +
    'URL: nar/001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85\n' +
    'FileSize: 140\n' +
    'NarHash: sha256:01kmpc1mgph6xzjcg19abxbqh1d45mk7gqc902wmggfinc5p5wpn\n' +
    'NarSize: 128\n' +
    'References: \n' +
    'CA: fixed:r:sha256:01kmpc1mgph6xzjcg19abxbqh1d45mk7gqc902wmggfinc5p5wpn\n'],
  ['nix-store --add-fixed sha256 f.txt (flat)',
    'StorePath: /nix/store/yng8n6xypg5gy9i5vz04xn0ngpikcgb7-f.txt\n' +
    'URL: nar/001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85\n' +
    'FileSize: 140\n' +
    'NarHash: sha256:01kmpc1mgph6xzjcg19abxbqh1d45mk7gqc902wmggfinc5p5wpn\n' +
    'NarSize: 128\n' +
    'References: \n' +
    'CA: fixed:sha256:0sbyr4xlnnvgz3q47r568n2k6mzrgd2hm5qi19pc796wymcsilsw\n'],
  ['nix-store --add-fixed sha1 f.txt (flat, sha1)',
    'StorePath: /nix/store/zccrsh19hwg9an7yy04zb2axygpk6q4h-f.txt\n' +
    'URL: nar/001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:001pwcz13hfggmacj030zpqz7926szp4zsrnqpzcr2036xliwp85\n' +
    'FileSize: 140\n' +
    'NarHash: sha256:01kmpc1mgph6xzjcg19abxbqh1d45mk7gqc902wmggfinc5p5wpn\n' +
    'NarSize: 128\n' +
    'References: \n' +
    'CA: fixed:sha1:v3j8s2rayb3050h3dnqzzwjsk9c2py3b\n'],
  ['nix-store --add-fixed --recursive sha512 tree (NAR hash, not sha256)',
    'StorePath: /nix/store/vwsixp9d92i0kz5h5va5pbrknimpl6af-tree\n' +
    'URL: nar/04drmysr6lr5nqgpinn4g8anfddp3fsfpmxnw16bsayihqawij9a.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:04drmysr6lr5nqgpinn4g8anfddp3fsfpmxnw16bsayihqawij9a\n' +
    'FileSize: 164\n' +
    'NarHash: sha256:1f1layi40aar7sfj6mbwpp9r02pp8i0zzcv9nxb15zhkdag66bv4\n' +
    'NarSize: 288\n' +
    'References: \n' +
    'CA: fixed:r:sha512:1yy6zgrpl7m8vja2q4hn0aq72m5ci6gswx7v2wh7zqs04mmgplwb0llapf2si0v0s5jahnar9i7dbs7pwlxnl3sf6vy980ps6vbq96n\n'],
  ['builtins.toFile, no references (text)',
    'StorePath: /nix/store/p82jpsf4gzfii1nk14jpyc4zd97xvi8h-t30655\n' +
    'URL: nar/15n1r8j4mh6zr0viy0ic0vsf694k69f96lvkn45sfmmwxkk2vwh6.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:15n1r8j4mh6zr0viy0ic0vsf694k69f96lvkn45sfmmwxkk2vwh6\n' +
    'FileSize: 176\n' +
    'NarHash: sha256:0hmg5rc4wvsdb6d7ci5rch1mpfdj21ag393pg39apckr6g0sndxc\n' +
    'NarSize: 168\n' +
    'References: \n' +
    'CA: text:sha256:0fc2p5yqa9l3ibl3wpg83854spjmzkvvd64lxwf37l6npssjmy9m\n'],
  ['builtins.toFile referring to the first path (text with a reference)',
    'StorePath: /nix/store/qkbkjv374xfg4954chkqvbnywqyzsspq-t1179\n' +
    'URL: nar/15n1r8j4mh6zr0viy0ic0vsf694k69f96lvkn45sfmmwxkk2vwh6.nar.xz\n' +
    'Compression: xz\n' +
    'FileHash: sha256:15n1r8j4mh6zr0viy0ic0vsf694k69f96lvkn45sfmmwxkk2vwh6\n' +
    'FileSize: 176\n' +
    'NarHash: sha256:0hmg5rc4wvsdb6d7ci5rch1mpfdj21ag393pg39apckr6g0sndxc\n' +
    'NarSize: 168\n' +
    'References: 7m1jxcq3hqi80m2z2d081fprhi6mfjgq-f.txt\n' +
    'CA: text:sha256:0fc2p5yqa9l3ibl3wpg83854spjmzkvvd64lxwf37l6npssjmy9m\n'],
];

const check = (text: string) => checkContentAddressed(parseNarinfo(text));

describe('checkContentAddressed: whether Nix trusts a path by its content address', () => {
  it.each(fromNix)('accepts what Nix made: %s', (_label, text) => {
    expect(check(text)).toMatchObject({ status: 'content-addressed' });
  });

  it('says a narinfo without CA is not content-addressed', () => {
    expect(check(fromNix[0]![1].replace(/^CA: .*\n/m, ''))).toEqual({ status: 'not-content-addressed' });
  });

  it('refuses a CA that does not give the path: another hash, another name, other references', () => {
    const [, text] = fromNix[5]!;
    expect(check(text.replace('CA: text:sha256:0', 'CA: text:sha256:1'))).toMatchObject({ status: 'mismatch', reason: expect.stringMatching(/gives the path \/nix\/store\/\w{32}-t1179, not this one/) });
    expect(check(text.replace('References: 7m1jxcq3hqi80m2z2d081fprhi6mfjgq-f.txt', 'References: '))).toMatchObject({ status: 'mismatch' });
    expect(check(fromNix[4]![1].replace(/-t30655$/m, '-t30656'))).toMatchObject({ status: 'mismatch' });
    // A flat or non-sha256 content address cannot have references at all.
    expect(check(fromNix[1]![1].replace('References: ', 'References: 7m1jxcq3hqi80m2z2d081fprhi6mfjgq-f.txt'))).toMatchObject({ status: 'mismatch', reason: expect.stringContaining('cannot have references') });
  });

  it('refuses a NAR content address that is not the NarHash (Nix would fail the import)', () => {
    const [, text] = fromNix[0]!;
    const other = 'sha256:1f1layi40aar7sfj6mbwpp9r02pp8i0zzcv9nxb15zhkdag66bv4';
    expect(check(text.replace(/^NarHash: .*$/m, `NarHash: ${other}`))).toMatchObject({ status: 'mismatch', reason: expect.stringContaining('is not its NarHash') });
  });

  it('refuses a CA field it cannot parse, saying so', () => {
    // (parseNarinfo refuses such a narinfo already; a caller may have the fields from elsewhere.)
    expect(checkContentAddressed({ ...parseNarinfo(fromNix[0]![1]), ca: 'fixed:r:sha999:abc' })).toMatchObject({ status: 'mismatch', reason: expect.stringContaining('not usable') });
  });
});
