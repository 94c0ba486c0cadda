import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nixCopyFromHttp, nixCopyToFile, nixEnv, nixGenerateKey, run } from '../../scripts/testbed/nix';
import { narinfoKey } from '../../shared/nix/narinfo';
import { runCommandLine } from './test-harness';

let cache: string;
let trustedKey: string;
const paths: Record<string, string> = {};

const nixStore = async (args: string[]) => (await run('nix-store', args, { env: nixEnv() })).trim();

/**
 * Content-addressed paths of every kind Nix 2.8 makes, fresh on each run, copied unsigned into a folder
 * cache by `nix copy`. Nix is the oracle twice: it wrote the narinfos, and `nix copy --from` that cache
 * (require-sigs on) says whether it takes a path without a signature.
 */
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'narwhal-ca-'));
  const nonce = randomBytes(8).toString('hex');
  await writeFile(join(dir, 'file.txt'), `content-addressed ${nonce}\n`);
  await mkdir(join(dir, 'tree'));
  await writeFile(join(dir, 'tree', 'a'), nonce);
  paths.source = await nixStore(['--add', join(dir, 'file.txt')]);
  paths.flat = await nixStore(['--add-fixed', 'sha256', join(dir, 'file.txt')]);
  paths.flatSha1 = await nixStore(['--add-fixed', 'sha1', join(dir, 'file.txt')]);
  paths.narSha512 = await nixStore(['--add-fixed', '--recursive', 'sha512', join(dir, 'tree')]);
  // A text path (builtins.toFile) that refers to another store path.
  const expr = `builtins.toFile "ca-text-${nonce}" "refers to \${builtins.storePath "${paths.source}"}"`;
  paths.textWithReference = JSON.parse(await run('nix-instantiate', ['--read-write-mode', '--eval', '-E', expr], { env: nixEnv() })) as string;
  cache = join(dir, 'cache');
  await nixCopyToFile(cache, Object.values(paths));
  trustedKey = (await nixGenerateKey('unrelated.example.org-1')).public;
});

const narinfoFile = (storePath: string) => join(cache, narinfoKey(storePath));
const verify = (file: string) => runCommandLine(['narinfo', 'verify', file, '--trusted-key', trustedKey]);

describe('narwhal narinfo verify: content-addressed paths, unsigned, with Nix as the oracle', () => {
  it.each(['source', 'flat', 'flatSha1', 'narSha512', 'textWithReference'])('accepts the unsigned %s path, as Nix does', async (kind) => {
    const storePath = paths[kind]!;
    const text = await readFile(narinfoFile(storePath), 'utf8');
    expect(text).toMatch(/^CA: /m);
    expect(text).not.toMatch(/^Sig: /m);
    const result = await verify(narinfoFile(storePath));
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^${storePath}: content-addressed \\(.+\\); Nix trusts it by its hash, no signature needed\\n$`));
  });

  it('refuses a narinfo whose CA does not give its path, as Nix does', async () => {
    const storePath = paths.textWithReference!;
    const text = await readFile(narinfoFile(storePath), 'utf8');
    const tampered = text.replace(/^CA: text:sha256:(.)/m, (_, c: string) => `CA: text:sha256:${c === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(text);
    await writeFile(narinfoFile(storePath), tampered);
    const result = await verify(narinfoFile(storePath));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not signed; it claims to be content-addressed, but its CA field gives the path \/nix\/store\/\w{32}-ca-text-\w+, not this one/);
    const nix = await nixCopyFromHttp(`file://${cache}`, storePath, trustedKey);
    expect(nix.ok).toBe(false);
    expect(nix.stderr).toMatch(/claims to be content-addressed but isn't/);
    // The control: Nix takes an untouched one, unsigned.
    expect((await nixCopyFromHttp(`file://${cache}`, paths.flat!, trustedKey)).ok).toBe(true);
  });
});
