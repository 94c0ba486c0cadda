/**
 * Nix (Debian's 2.8) reads what our compressors write: for each method, a closure is written to a
 * folder cache by hand — our NAR dump, our compressor (in its worker), a signed narinfo whose
 * FileHash/FileSize/NarHash/NarSize are the compressor's digests — and `nix copy --from file://…`
 * substitutes it into an empty store, checking every signature and NarHash. A larger path makes the
 * xz encoder write several blocks (threads 2), as a push of a big path does.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureClosure, nixCopyFromHttp, nixEnv, type FixtureClosure } from '../../../scripts/testbed/nix';
import { encodeNix32 } from '../../../shared/nix/nix32';
import { formatPublicKey, generateSecretKey } from '../../../shared/nix/keys';
import { serialiseNarinfo } from '../../../shared/nix/narinfo';
import { signNarinfo } from '../../../shared/nix/signature';
import { dumpPath } from '../nar/nar-writer';
import { createCompressor } from './compress';
import { COMPRESSION_METHODS, narExtension, type CompressionMethod } from '../../../shared/push/compression';

const env = nixEnv();
const key = generateSecretKey('narwhal-compress-test-1');
let fixture: FixtureClosure;
let big: string;
let tmp: string;

beforeAll(async () => {
  fixture = await buildFixtureClosure('compress');
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'narwhal-compress-int-'));
  // Deterministic content, so the store path is the same every run: 12 MiB of text lines.
  const src = path.join(tmp, 'narwhal-compress-big');
  await fsp.mkdir(src);
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) lines.push(`${i} ${(i * 2654435761) % 4294967296} /nix/store/${(i * 7919).toString(36)}-x`);
  await fsp.writeFile(path.join(src, 'data.txt'), lines.join('\n').repeat(3));
  big = execFileSync('nix-store', ['--add', src], { env }).toString().trim();
});

afterAll(async () => {
  if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
});

function query(flag: string, storePath: string): string[] {
  return execFileSync('nix-store', ['--query', flag, storePath], { env }).toString().trim().split('\n').filter(Boolean);
}

/** Writes one path into the folder cache `dir` as a push would, with our dump and our compressor. */
async function writePath(dir: string, storePath: string, method: CompressionMethod, options: { level?: number; threads?: number }): Promise<void> {
  const c = createCompressor(method, options);
  const staged = path.join(dir, 'nar', `staged-${path.basename(storePath)}`);
  await pipeline(Readable.from(dumpPath(storePath)), c, createWriteStream(staged));
  const { input, output } = await c.digests;
  const url = `nar/${encodeNix32(output.hash.bytes)}.nar${narExtension(method)}`;
  await fsp.rename(staged, path.join(dir, url));
  const deriver = query('--deriver', storePath)[0];
  const info = {
    storePath,
    url,
    compression: method,
    fileHash: output.hash,
    fileSize: output.size,
    narHash: input.hash,
    narSize: input.size,
    references: query('--references', storePath).map((p) => path.basename(p)),
    deriver: deriver && deriver !== 'unknown-deriver' ? path.basename(deriver) : undefined,
    sigs: [] as string[],
    unknown: [],
  };
  info.sigs.push(signNarinfo(info, key));
  const hash = path.basename(storePath).slice(0, 32);
  await fsp.writeFile(path.join(dir, `${hash}.narinfo`), serialiseNarinfo(info));
}

describe('Nix 2.8 substitutes NARs compressed by our worker-thread compressors', () => {
  for (const method of COMPRESSION_METHODS) {
    it(`${method}`, async () => {
      const dir = path.join(tmp, `cache-${method}`);
      await fsp.mkdir(path.join(dir, 'nar'), { recursive: true });
      await fsp.writeFile(path.join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n');
      for (const p of fixture.all) await writePath(dir, p, method, {});
      // xz at level 1 has 3 MiB blocks: the 12 MiB path comes out in several, compressed in parallel.
      await writePath(dir, big, method, method === 'xz' ? { level: 1, threads: 2 } : { threads: 2 });

      const pub = formatPublicKey(key.publicKey);
      for (const p of [fixture.top, big]) {
        const r = await nixCopyFromHttp(`file://${dir}`, p, pub);
        expect(r.stderr, `nix copy of ${p} (${method})`).not.toMatch(/error/i);
        expect(r.ok).toBe(true);
      }
      if (method === 'xz') {
        const nar = (await fsp.readdir(path.join(dir, 'nar'))).map((n) => path.join(dir, 'nar', n));
        const blocks = nar.map((f) => Number(execFileSync('xz', ['--robot', '--list', f]).toString().split('\n').find((l) => l.startsWith('file\t'))!.split('\t')[2]));
        expect(Math.max(...blocks)).toBeGreaterThan(1);
      }
    });
  }
});
