import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hash } from '../../../shared/nix/hash';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { createCompressor } from '../compress/compress';
import { encodeTree } from '../nar/nar-test-util';
import { FileStore } from '../stores/file-store';
import { narinfoChecks, narProblems } from './nar-check';
import { stageCopy } from './stage-copy';

const nar = encodeTree({ type: 'regular', contents: 'x'.repeat(100_000) });
const storePath = '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-bomb';
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'narwhal-nar-check-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function xz(bytes: Uint8Array): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  await pipeline([bytes], createCompressor('xz'), async (source: AsyncIterable<Uint8Array>) => {
    for await (const chunk of source) parts.push(chunk);
  });
  return Buffer.concat(parts);
}

const narinfo = (file: Uint8Array, extra: Partial<Narinfo> = {}): Narinfo => ({
  storePath, url: 'nar/bomb.nar.xz', compression: 'xz', fileHash: sha256Hash(file), fileSize: file.length, narHash: sha256Hash(nar), narSize: nar.length, references: [], sigs: [], unknown: [], ...extra,
});

describe('narinfoChecks', () => {
  it('compares all four, skips what the narinfo does not give, and words the problems', () => {
    const file = Buffer.from('file');
    const ok = narinfoChecks(narinfo(file), { hash: sha256Hash(file), size: 4 }, { hash: sha256Hash(nar), size: nar.length });
    expect(ok.map((c) => [c.check, c.ok])).toEqual([['fileSize', true], ['fileHash', true], ['narSize', true], ['narHash', true]]);
    const bad = narinfoChecks(narinfo(file, { fileSize: undefined }), { hash: sha256Hash(nar), size: 5 }, { hash: sha256Hash(file), size: 3 });
    expect(bad.map((c) => c.ok)).toEqual([null, false, false, false]);
    expect(narProblems(bad)).toEqual([
      expect.stringMatching(/^its file hashes to sha256:\w{52} where FileHash says sha256:\w{52}$/),
      `it decompresses to 3 bytes where NarSize says ${nar.length}`,
      expect.stringMatching(/^its NAR hashes to sha256:\w{52} where NarHash says sha256:\w{52}$/),
    ]);
  });
});

describe('stageCopy, keeping the compression', () => {
  it('stops a NAR that decompresses past its NarSize without bringing the process down', async () => {
    const file = await xz(nar);
    const cache = join(root, 'cache');
    await mkdir(join(cache, 'nar'), { recursive: true });
    await writeFile(join(cache, 'nar/bomb.nar.xz'), file);
    const staging = join(root, 'staging');
    await mkdir(staging);
    await expect(stageCopy(new FileStore(cache), narinfo(file, { narSize: 100 }), staging)).rejects.toMatchObject({
      code: 'bad-format',
      message: expect.stringContaining('decompresses to more than its NarSize of 100 bytes; stopped there'),
    });
    expect(await readdir(staging)).toEqual([]);
  });
});
