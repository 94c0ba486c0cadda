import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFixtureClosure, nix, nixCopyToFile, nixGenerateKey } from '../../scripts/testbed/nix';
import { runCommandLine } from './test-harness';

const cli = (argv: string[], stdin = '') => runCommandLine(argv, { stdin });

describe('narwhal key and narinfo verify, with Nix as the oracle', () => {
  it('generates keys Nix agrees with, and Nix signs with them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-keys-'));
    const secretFile = join(dir, 'ours.sec');
    const generated = await cli(['key', 'generate', '--name', 'oracle.example.org-1', '--out', secretFile]);
    expect(generated.status).toBe(0);
    const fromNix = await nix(['key', 'convert-secret-to-public'], { input: await readFile(secretFile) });
    expect(generated.stdout.trim()).toBe(fromNix.trim());

    // Nix signs a copy with our key; we verify its narinfos with our public key, and refuse a stranger's.
    const closure = await buildFixtureClosure('key-oracle');
    const cache = join(dir, 'cache');
    await nixCopyToFile(cache, [closure.top], { secretKeyFile: secretFile });
    const narinfos = (await readdir(cache)).filter((n) => n.endsWith('.narinfo'));
    expect(narinfos).toHaveLength(closure.all.length);
    const stranger = await nixGenerateKey('oracle.example.org-1');
    for (const name of narinfos) {
      const file = join(cache, name);
      expect(await cli(['narinfo', 'verify', file, '--trusted-key', generated.stdout.trim()])).toMatchObject({ status: 0, stdout: expect.stringContaining('valid signature by oracle.example.org-1') });
      expect(await cli(['narinfo', 'verify', file, '--trusted-key', stranger.public])).toMatchObject({ status: 1, stderr: expect.stringContaining('is not valid') });
    }
  });

  it('derives the public half of a key Nix generated', async () => {
    const key = await nixGenerateKey('from-nix-1');
    expect(await cli(['key', 'public'], key.secret)).toEqual({ status: 0, stdout: `${key.public}\n`, stderr: '' });
  });
});
