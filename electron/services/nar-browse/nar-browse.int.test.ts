import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectRgw } from '../../../scripts/testbed/inject';
import { buildClosure, nix, nixCopyToFile, nixEnv, run } from '../../../scripts/testbed/nix';
import { createBucket, s3Client, uniqueBucketName, uploadDir } from '../../../scripts/testbed/s3';
import { createCompressor } from '../compress/compress';
import { pipeline } from 'node:stream/promises';
import { formatHash, parseHash } from '../../../shared/nix/hash';
import { S3Store } from '../stores/s3-store';
import { readBuildLog } from './build-log';
import { checkIntegrity } from './integrity';
import { listNarEntries, narFiles } from './nar-files';
import { previewNarFile } from './nar-preview';
import { extractFromCache, saveFromCache } from './nar-save';
import { readPathNarinfo } from './path-narinfo';

// Nix writes every cache here (nix copy --to file://, nix store copy-log) and is the judge: listings
// equal what its .ls says, NAR bytes equal `nix-store --dump`, previews equal the files in /nix/store.

const rgw = injectRgw();
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true' };
const endpoint = rgw.endpoint.replace(/^http:\/\//, '');
let work: string;
/** A built path with a build log (text, an executable, a symlink, a binary file). */
let built: string;
/** A tree added with nix-store --add: nested folders, a 200 KiB text file, a binary, an empty file. */
let added: string;
const stores: Record<string, S3Store> = {};
const folders: Record<string, string> = {};

/** `nix-store --dump PATH`, as bytes. */
function dumpBytes(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('nix-store', ['--dump', path], { env: nixEnv() });
    const parts: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => parts.push(c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`nix-store --dump ${path}: exit ${code}`))));
  });
}

async function bucketOf(label: string, dir: string): Promise<S3Store> {
  const bucket = await createBucket(rgw, uniqueBucketName(`nar-${label}`));
  await uploadDir(rgw, bucket, dir);
  return new S3Store({ kind: 's3', bucket, endpoint, scheme: 'http', region: 'us-east-1', settings: [] }, env);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'narwhal-nar-browse-'));
  const nonce = randomBytes(6).toString('hex');
  const closure = await buildClosure(`derivation {
    name = "narwhal-nar-browse-${nonce}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" ''
      echo "building with a log line ($nonce)"
      echo "second line"
      /bin/mkdir -p $out/bin $out/share
      echo "some data" > $out/share/data.txt
      printf '#!/bin/sh\\necho hello\\n' > $out/bin/hello
      /bin/chmod 0755 $out/bin/hello
      printf '\\000\\001binary\\377' > $out/share/blob.bin
      /bin/ln -s share/data.txt $out/link
    '' ];
    nonce = "${nonce}";
  }`);
  built = closure.top;
  const tree = join(work, `tree-${nonce}`);
  await mkdir(join(tree, 'a', 'b', 'c'), { recursive: true });
  await writeFile(join(tree, 'a', 'b', 'c', 'big.txt'), Array.from({ length: 20_000 }, (_, i) => `line ${i} of a long text file\n`).join(''));
  await writeFile(join(tree, 'a', 'empty'), '');
  await writeFile(join(tree, 'run.sh'), '#!/bin/sh\n');
  await chmod(join(tree, 'run.sh'), 0o755);
  await writeFile(join(tree, 'image.bin'), randomBytes(5000));
  await symlink('/nix/store/absolute/target', join(tree, 'abs-link'));
  added = (await run('nix-store', ['--add', tree], { env: nixEnv() })).trim();

  for (const [label, compression, listing] of [['xz-ls', 'xz', true], ['zstd', 'zstd', false], ['bzip2', 'bzip2', false], ['none-ls', 'none', true]] as const) {
    const dir = join(work, label);
    await nixCopyToFile(dir, [built, added], { compression, params: listing ? { 'write-nar-listing': 'true' } : {} });
    await nix(['store', 'copy-log', '--to', `file://${dir}`, built]);
    folders[label] = dir;
    stores[label] = await bucketOf(label, dir);
  }
}, 180_000);
afterAll(async () => {
  for (const store of Object.values(stores)) store.close();
  await rm(work, { recursive: true, force: true });
});

describe('the files of a NAR, against what Nix wrote', () => {
  it('from the .ls Nix wrote and from the streamed NAR (xz, zstd, bzip2, none) alike: what nix-store --dump lists', async () => {
    for (const path of [built, added]) {
      const oracle = await listNarEntries([await dumpBytes(path)]);
      for (const [label, store] of Object.entries(stores)) {
        const listing = await narFiles(store, await readPathNarinfo(store, path));
        expect(listing.source, label).toBe(label.endsWith('-ls') ? 'ls' : 'nar');
        expect(listing.note).toBeUndefined();
        expect(listing.entries, `${label} ${path}`).toEqual(oracle.entries);
        expect(listing.total).toBe(oracle.total);
      }
    }
    const listing = await narFiles(stores['xz-ls']!, await readPathNarinfo(stores['xz-ls']!, added));
    expect(listing.entries).toEqual(
      expect.arrayContaining([
        { path: '/run.sh', type: 'regular', size: 10, executable: true },
        { path: '/abs-link', type: 'symlink', target: '/nix/store/absolute/target' },
        { path: '/a/empty', type: 'regular', size: 0 },
      ]),
    );
  });

  it('falls back to the NAR, with a note, when the .ls is malformed', async () => {
    const store = stores['xz-ls']!;
    const narinfo = await readPathNarinfo(store, built);
    const hash = built.slice('/nix/store/'.length, '/nix/store/'.length + 32);
    const s3 = s3Client(rgw);
    try {
      await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${hash}.ls`, Body: '{"version":1,"root":{"type":"regular","size":-4}}' }));
      const listing = await narFiles(store, narinfo);
      expect(listing.source).toBe('nar');
      expect(listing.note).toMatch(new RegExp(`The cache's ${hash}\\.ls cannot be used \\(at /: "size" must be a non-negative integer, got number -4\\); the files were read from the NAR instead\\.`));
      expect(listing.entries).toEqual((await listNarEntries([await dumpBytes(built)])).entries);
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `${hash}.ls`, Body: await readFile(join(folders['xz-ls']!, `${hash}.ls`)) }));
      s3.destroy();
    }
  });
});

describe('previews', () => {
  it('show text files as they are in /nix/store, binary files as hex, and cap a big file', async () => {
    for (const store of [stores['xz-ls']!, stores.zstd!]) {
      const narinfo = await readPathNarinfo(store, built);
      const hello = await previewNarFile(store, narinfo, '/bin/hello');
      expect(hello).toMatchObject({ kind: 'text', executable: true, text: await readFile(join(built, 'bin/hello'), 'utf8'), truncated: false });
      const blob = await previewNarFile(store, narinfo, '/share/blob.bin');
      expect(blob).toMatchObject({ kind: 'binary', size: 9 });
      expect(blob.hex).toMatch(/^00000000 {2}00 01 62 69 6e 61 72 79 ff/);
      expect(await previewNarFile(store, narinfo, '/link')).toMatchObject({ type: 'symlink', target: await readlink(join(built, 'link')) });
      const big = await previewNarFile(store, await readPathNarinfo(store, added), '/a/b/c/big.txt');
      const text = await readFile(join(added, 'a/b/c/big.txt'), 'utf8');
      expect(big).toMatchObject({ kind: 'text', size: text.length, shownBytes: 65536, truncated: true });
      expect(big.text).toBe(text.slice(0, 65536));
      await expect(previewNarFile(store, narinfo, '/share/nothing')).rejects.toThrow(`The NAR of ${built} has no /share/nothing.`);
    }
  });
});

describe('download and extract', () => {
  it('saves the decompressed NAR byte for byte as nix-store --dump, and the compressed file as stored; never overwrites unasked', async () => {
    const store = stores.zstd!;
    const narinfo = await readPathNarinfo(store, added);
    const folder = await mkdtemp(join(work, 'dl-'));
    const progress: number[] = [];
    const saved = await saveFromCache(store, narinfo, { what: 'nar', folder, overwrite: false, onBytes: (b) => progress.push(b) });
    expect(saved).toMatchObject({ file: join(folder, `${added.slice(11)}.nar`), checked: true, bytes: narinfo.narSize });
    expect((await readFile(saved.file)).equals(await dumpBytes(added))).toBe(true);
    expect(progress.at(-1)).toBe(narinfo.narSize);
    const compressed = await saveFromCache(store, narinfo, { what: 'compressed', folder, overwrite: false });
    expect(compressed.file).toBe(join(folder, `${added.slice(11)}.nar.zst`));
    expect((await readFile(compressed.file)).equals(await readFile(join(folders.zstd!, narinfo.url)))).toBe(true);
    await expect(saveFromCache(store, narinfo, { what: 'nar', folder, overwrite: false })).rejects.toThrow(`${saved.file} exists already; choose another folder, or allow replacing it.`);
    await writeFile(saved.file, 'old');
    await saveFromCache(store, narinfo, { what: 'nar', folder, overwrite: true });
    expect((await stat(saved.file)).size).toBe(narinfo.narSize);
    const log = await saveFromCache(store, await readPathNarinfo(store, built), { what: 'log', folder: `~/${folder.slice(work.length + 1)}`, overwrite: false, home: work });
    expect(await readFile(log.file, 'utf8')).toMatch(/building with a log line/);
  });

  it('extracts with the safe extraction: the result dumps to the same NAR; a non-empty target is refused', async () => {
    const store = stores['xz-ls']!;
    const narinfo = await readPathNarinfo(store, added);
    const target = join(work, `extract-${randomBytes(3).toString('hex')}`, 'out');
    const summary = await extractFromCache(store, narinfo, { target });
    expect(summary).toMatchObject({ target, files: 4, symlinks: 1 });
    expect((await dumpBytes(target)).equals(await dumpBytes(added))).toBe(true);
    await expect(extractFromCache(store, narinfo, { target })).rejects.toThrow(/the directory is not empty/);
  });
});

describe('integrity', () => {
  it('passes every check on what Nix wrote', async () => {
    for (const [label, store] of Object.entries(stores)) {
      const progress: number[] = [];
      const narinfo = await readPathNarinfo(store, added);
      const result = await checkIntegrity(store, narinfo, { onProgress: (p) => progress.push(p.narBytes) });
      expect(result.ok, label).toBe(true);
      expect(result.checks.map((c) => [c.check, c.status])).toEqual([
        ['object', 'ok'], ['fileSize', 'ok'], ['fileHash', 'ok'], ['decompress', 'ok'], ['narSize', 'ok'], ['narHash', 'ok'],
      ]);
      expect(progress.at(-1)).toBe(narinfo.narSize);
    }
  });

  it('says which check failed and where: a changed byte, a wrong NarHash, a missing NAR', async () => {
    const store = stores.zstd!;
    const bucket = store.bucket;
    const narinfo = await readPathNarinfo(store, added);
    const s3 = s3Client(rgw);
    try {
      const original = await readFile(join(folders.zstd!, narinfo.url));
      const flipped = Buffer.from(original);
      const at = Math.floor(flipped.length / 2);
      flipped[at] = flipped[at]! ^ 0xff;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: narinfo.url, Body: flipped }));
      const broken = await checkIntegrity(store, narinfo);
      expect(broken.ok).toBe(false);
      const by = Object.fromEntries(broken.checks.map((c) => [c.check, c]));
      expect(by.fileSize!.status).toBe('ok');
      expect(by.fileHash).toMatchObject({ status: 'failed', expected: formatHash(narinfo.fileHash!, 'nix32', { prefix: true }) });
      // zstd checks its frames: the change is found by decompressing, or by NarHash if it slipped through.
      expect(by.decompress!.status === 'failed' ? by.decompress!.detail : by.narHash!.status).toMatch(/zstd decompression failed after \d+ of \d+ bytes|failed/);

      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: narinfo.url, Body: original }));
      const wrongHash = { ...narinfo, narHash: parseHash(`sha256:${'0'.repeat(52)}`) };
      const wrong = await checkIntegrity(store, wrongHash);
      expect(wrong.checks.filter((c) => c.status === 'failed').map((c) => c.check)).toEqual(['narHash']);
      expect(wrong.checks.find((c) => c.check === 'narHash')!.detail).toMatch(/its NAR hashes to sha256:\w{52} where NarHash says sha256:0{52}/);

      const missing = await checkIntegrity(store, { ...narinfo, url: 'nar/missing.nar.zst' });
      expect(missing.checks[0]).toMatchObject({ check: 'object', status: 'failed', detail: expect.stringContaining('has no nar/missing.nar.zst') });
      expect(missing.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);

      const tooSmall = await checkIntegrity(store, { ...narinfo, narSize: 1000 });
      expect(tooSmall.checks.find((c) => c.check === 'narSize')).toMatchObject({ status: 'failed', detail: expect.stringContaining('past its NarSize of 1000 bytes') });
    } finally {
      s3.destroy();
    }
  });
});

describe('build logs', () => {
  it('reads log/<deriver> as nix store copy-log wrote it, says when there is none, and reads an xz-compressed log', async () => {
    const store = stores['xz-ls']!;
    const narinfo = await readPathNarinfo(store, built);
    expect(narinfo.deriver).toMatch(/\.drv$/);
    const log = await readBuildLog(store, narinfo);
    expect(log).toMatchObject({ status: 'found', key: `log/${narinfo.deriver}`, truncated: false });
    expect(log.status === 'found' && log.text).toBe(await readFile(join(folders['xz-ls']!, 'log', narinfo.deriver!), 'utf8'));
    expect(log.status === 'found' && log.text).toMatch(/building with a log line/);
    const cut = await readBuildLog(store, narinfo, { maxBytes: 10 });
    expect(cut).toMatchObject({ status: 'found', truncated: true, shownBytes: 10 });

    const addedInfo = await readPathNarinfo(store, added);
    expect(await readBuildLog(store, addedInfo)).toEqual({ status: 'no-deriver', storePath: added });
    expect(await readBuildLog(store, { ...narinfo, deriver: 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-none.drv' })).toMatchObject({ status: 'missing', key: 'log/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-none.drv' });

    // An S3 store with log-compression=xz (or zstd…) stores the log compressed, with a Content-Encoding.
    const text = 'a compressed log line\n'.repeat(1000);
    for (const method of ['xz', 'zstd'] as const) {
      const parts: Uint8Array[] = [];
      await pipeline([Buffer.from(text)], createCompressor(method), async (source: AsyncIterable<Uint8Array>) => {
        for await (const chunk of source) parts.push(chunk);
      });
      const s3 = s3Client(rgw);
      const deriver = `${'a'.repeat(32)}-compressed-${method}.drv`;
      try {
        await s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: `log/${deriver}`, Body: Buffer.concat(parts), ContentType: 'text/plain; charset=utf-8', ContentEncoding: method }));
      } finally {
        s3.destroy();
      }
      expect(await readBuildLog(store, { ...narinfo, deriver })).toMatchObject({ status: 'found', compression: method, text, truncated: false });
    }
  });
});
