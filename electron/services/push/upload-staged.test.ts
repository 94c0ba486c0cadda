import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHash } from '../../../shared/nix/hash';
import type { CacheStore, PutBody } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
import { minPartSize } from '../stores/s3-store';
import { uploadStaged } from './upload-staged';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'narwhal-upload-staged-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileHash = parseHash('sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s', 'sha256');
const storePath = '/nix/store/7h7qgvs4kgzsn8a6rb273saxyqh4jxlz-hello-2.12';

type RecordingStore = CacheStore & { puts: { key: string; bytes: Buffer; asBytes: boolean; memory: ArrayBufferLike }[] };

/** A store that keeps what it was given, as bytes, and whether it came as bytes or as a stream. */
function recordingStore(): RecordingStore {
  const store = new FileStore(join(dir, 'cache')) as unknown as RecordingStore;
  store.puts = [];
  store.put = async (key: string, body: PutBody) => {
    if (body instanceof Uint8Array) {
      store.puts.push({ key, bytes: Buffer.from(body), asBytes: true, memory: body.buffer });
      return;
    }
    const parts: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
    store.puts.push({ key, bytes: Buffer.concat(parts), asBytes: false, memory: new ArrayBuffer(0) });
  };
  return store;
}

async function staged(name: string, bytes: Buffer) {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return { file, narHash: fileHash, narSize: bytes.length, fileHash, fileSize: bytes.length };
}

describe('uploadStaged', () => {
  it('puts a small staged NAR as bytes from a buffer kept for the next one, and removes the staged file', async () => {
    const store = recordingStore();
    const first = Buffer.from('the first compressed NAR');
    const second = Buffer.alloc(minPartSize, 7); // exactly the limit: still one PUT of bytes
    const a = await uploadStaged(store, storePath, await staged('a.nar.zst', first), 'zstd', undefined);
    await uploadStaged(store, storePath, await staged('b.nar.zst', second), 'zstd', undefined);
    expect(a.url).toMatch(/^nar\/1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s\.nar\.zst$/);
    expect(store.puts.map((p) => [p.asBytes, p.bytes.equals(p === store.puts[0] ? first : second)])).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(store.puts[1]!.memory).toBe(store.puts[0]!.memory); // the same buffer, no fresh pages
    expect(await readdir(dir)).toEqual([]);
  });

  it('streams a staged NAR larger than one part', async () => {
    const store = recordingStore();
    const big = Buffer.alloc(minPartSize + 1, 3);
    await uploadStaged(store, storePath, await staged('big.nar.zst', big), 'zstd', undefined);
    expect(store.puts.map((p) => [p.asBytes, p.bytes.equals(big)])).toEqual([[false, true]]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a staged file shorter than the size the compressor reported, and removes it', async () => {
    const store = recordingStore();
    const nar = { ...(await staged('short.nar.zst', Buffer.from('short'))), fileSize: 100 };
    await expect(uploadStaged(store, storePath, nar, 'zstd', undefined)).rejects.toThrow(/holds 5 bytes, not the 100 compressed/);
    expect(store.puts).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
