import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, generateSecretKey, parseSecretKey } from '../../shared/nix/keys';
import { parseNarinfo, serialiseNarinfo } from '../../shared/nix/narinfo';
import { signNarinfo } from '../../shared/nix/signature';
import { runCommandLine } from './test-harness';

/** Runs one command line in-process with captured streams. */
const run = (argv: string[], stdin = '') => runCommandLine(argv, { stdin, env: { HOME: tmpdir() } });

const narinfoText = [
  'StorePath: /nix/store/0i8mmzs7bdqa3f8rvk11s4g16lsdsnlr-hello-2.12',
  'URL: nar/1w1fff338fvdw53sqgamddn1b2xgds473pv6y13gizdbqjv4i5p3.nar.xz',
  'Compression: xz',
  'FileHash: sha256:1w1fff338fvdw53sqgamddn1b2xgds473pv6y13gizdbqjv4i5p3',
  'FileSize: 50088',
  'NarHash: sha256:1gvbkzvmpy3fz5ah6k2iyxd29cgj1b3ymzrh8h3wh8lkz9qn5k9c',
  'NarSize: 226560',
  'References: 0i8mmzs7bdqa3f8rvk11s4g16lsdsnlr-hello-2.12 9df65igwjmf2wbw0gbrrgair6piqjgmi-glibc-2.35-163',
  '',
].join('\n');

describe('narwhal CLI', () => {
  it('prints usage and exits 2 for no or unknown commands', async () => {
    expect(await run([])).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: narwhal COMMAND') });
    expect(await run(['frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await run(['info'])).toMatchObject({ status: 2, stderr: expect.stringContaining('usage: narwhal info') });
    expect(await run(['info', 'ftp://x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('"ftp://" is not one of them') });
  });

  it('key generate writes a 0600 secret and prints the public key; key public derives it again', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'narwhal-cli-')), 'k.sec');
    const generated = await run(['key', 'generate', '--name', 'ci.example.org-1', '--out', out]);
    expect(generated.status).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const secretText = await readFile(out, 'utf8');
    expect(generated.stdout).toBe(formatPublicKey(parseSecretKey(secretText).publicKey) + '\n');
    expect(generated.stdout).not.toContain(secretText.split(':')[1]!.slice(0, 20));
    expect(await run(['key', 'public'], secretText)).toEqual({ status: 0, stdout: generated.stdout, stderr: '' });
    expect(await run(['key', 'generate', '--name', 'x-1', '--out', out])).toMatchObject({ status: 1, stderr: expect.stringContaining('already exists') });
    expect(await run(['key', 'public'], 'garbage')).toMatchObject({ status: 1, stderr: expect.stringContaining('not a Nix secret key') });
    expect(await run(['key', 'generate', '--name', 'bad:name', '--out', out + '2'])).toMatchObject({ status: 2 });
  });

  it('narinfo verify: 0 for a trusted valid signature, 1 with the reason otherwise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-cli-'));
    const key = generateSecretKey('ci.example.org-1');
    const other = generateSecretKey('ci.example.org-1');
    const info = parseNarinfo(narinfoText);
    const signed = serialiseNarinfo({ ...info, sigs: [signNarinfo(info, key)] });
    await writeFile(join(dir, 'signed.narinfo'), signed);
    await writeFile(join(dir, 'unsigned.narinfo'), narinfoText);
    await writeFile(join(dir, 'tampered.narinfo'), signed.replace('NarSize: 226560', 'NarSize: 226561'));
    const trusted = ['--trusted-key', formatPublicKey(key.publicKey)];

    expect(await run(['narinfo', 'verify', join(dir, 'signed.narinfo'), ...trusted])).toMatchObject({ status: 0, stdout: expect.stringContaining('valid signature by ci.example.org-1') });
    expect(await run(['narinfo', 'verify', '-', ...trusted], signed)).toMatchObject({ status: 0 });
    expect(await run(['narinfo', 'verify', join(dir, 'unsigned.narinfo'), ...trusted])).toMatchObject({ status: 1, stderr: expect.stringContaining('not signed') });
    expect(await run(['narinfo', 'verify', join(dir, 'tampered.narinfo'), ...trusted])).toMatchObject({ status: 1, stderr: expect.stringContaining('is not valid') });
    expect(await run(['narinfo', 'verify', join(dir, 'signed.narinfo'), '--trusted-key', formatPublicKey(other.publicKey)])).toMatchObject({ status: 1, stderr: expect.stringContaining('is not valid') });
    expect(await run(['narinfo', 'verify', join(dir, 'signed.narinfo'), '--trusted-key', formatPublicKey(generateSecretKey('someone-else').publicKey)])).toMatchObject({ status: 1, stderr: expect.stringContaining('not trusted (ci.example.org-1)') });
    expect(await run(['narinfo', 'verify', '-', ...trusted], 'StorePath: x\n')).toMatchObject({ status: 1, stderr: expect.stringContaining('stdin') });
  });
});
