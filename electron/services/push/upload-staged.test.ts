import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseHash } from '../../../shared/nix/hash';
import type { CacheStore, PutBody } from '../stores/cache-store';
import { FileStore } from '../stores/file-store';
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

type RecordingStore = CacheStore & { puts: { key: string; bytes: Buffer }[]; files: { key: string; file: string; size: number; bytes: Buffer }[] };

/** A store that keeps what it was given: streams read to the end, and files (when it takes files, as S3Store does) read as they are. */
function recordingStore(options: { takesFiles: boolean }): RecordingStore {
  const store = new FileStore(join(dir, 'cache')) as unknown as RecordingStore;
  store.puts = [];
  store.files = [];
  store.put = async (key: string, body: PutBody) => {
    const parts: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
    store.puts.push({ key, bytes: Buffer.concat(parts) });
  };
  if (options.takesFiles) {
    store.putFile = async (key: string, file: string, size: number) => {
      store.files.push({ key, file, size, bytes: await readFile(file) });
    };
  }
  return store;
}

async function staged(name: string, bytes: Buffer) {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return { file, narHash: fileHash, narSize: bytes.length, fileHash, fileSize: bytes.length };
}

describe('uploadStaged', () => {
  it('gives a store that takes files (S3) the staged file and its size, then removes the file', async () => {
    const store = recordingStore({ takesFiles: true });
    const bytes = Buffer.from('the compressed NAR');
    const nar = await staged('a.nar.zst', bytes);
    const { url } = await uploadStaged(store, storePath, nar, 'zstd', undefined);
    expect(url).toMatch(/^nar\/1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s\.nar\.zst$/);
    expect(store.files).toEqual([{ key: url, file: nar.file, size: bytes.length, bytes }]);
    expect(store.puts).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('streams the staged NAR to any other store, and removes the file', async () => {
    const store = recordingStore({ takesFiles: false });
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 3); // more than one 1 MiB read
    await uploadStaged(store, storePath, await staged('big.nar.zst', big), 'zstd', undefined);
    expect(store.puts.map((p) => p.bytes.equals(big))).toEqual([true]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a staged file shorter or longer than the size the compressor reported, and removes it', async () => {
    const store = recordingStore({ takesFiles: false });
    const short = { ...(await staged('short.nar.zst', Buffer.from('short'))), fileSize: 100 };
    await expect(uploadStaged(store, storePath, short, 'zstd', undefined)).rejects.toThrow(/holds 5 bytes, not the 100 compressed/);
    const long = { ...(await staged('long.nar.zst', Buffer.from('longer than said'))), fileSize: 4 };
    await expect(uploadStaged(store, storePath, long, 'zstd', undefined)).rejects.toThrow(/holds more than 4 bytes, not the 4 compressed/);
    expect(store.puts).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
