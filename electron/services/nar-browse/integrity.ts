/**
 * The integrity check of a path's page: download the NAR file, check FileSize and FileHash, decompress
 * it, check NarSize and NarHash. Unlike the copy, which stops at the first problem, it reports every
 * check with what was expected and found, and where it failed; the comparisons are the copy's.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { IntegrityProgressView, IntegrityResultView, NarCheckView } from '../../../shared/api/contract-nar';
import { ApiError } from '../../../shared/api/errors';
import type { Narinfo } from '../../../shared/nix/narinfo';
import { isCompressionMethod } from '../../../shared/push/compression';
import type { CodecStream, Digest } from '../compress/compress';
import { createDecompressor } from '../compress/compress';
import type { NarCheck } from '../copy/nar-check';
import { fileChecks, narChecks } from '../copy/nar-check';
import type { CacheStore } from '../stores/cache-store';

class NarSizeExceeded extends Error {}

const view = (c: NarCheck): NarCheckView =>
  c.ok === null
    ? { check: c.check, status: 'skipped', actual: c.actual, detail: `the narinfo has no ${c.check === 'fileSize' ? 'FileSize' : 'FileHash'}` }
    : { check: c.check, status: c.ok ? 'ok' : 'failed', ...(c.expected ? { expected: c.expected } : {}), actual: c.actual, ...(c.ok ? {} : { detail: c.problem }) };

const skipped = (check: NarCheckView['check'], detail: string): NarCheckView => ({ check, status: 'skipped', detail });

function digestOf(hasher: ReturnType<typeof createHash>, size: number): Digest {
  return { hash: { algo: 'sha256', bytes: new Uint8Array(hasher.digest()) }, size };
}

export async function checkIntegrity(
  store: CacheStore,
  narinfo: Narinfo,
  options: { signal?: AbortSignal; onProgress?: (p: IntegrityProgressView) => void } = {},
): Promise<IntegrityResultView> {
  const started = Date.now();
  const { signal } = options;
  const base = { storePath: narinfo.storePath, url: narinfo.url, compression: narinfo.compression };
  const done = (checks: NarCheckView[]): IntegrityResultView => ({ ...base, ok: checks.every((c) => c.status !== 'failed'), checks, elapsedMs: Date.now() - started });
  const object = (status: 'ok' | 'failed', detail?: string): NarCheckView => ({ check: 'object', status, actual: narinfo.url, ...(detail ? { detail } : {}) });

  if (/^[a-z][a-z0-9+.-]*:/i.test(narinfo.url)) {
    return done([object('failed', 'the URL points outside the cache; Narwhal reads only NARs the cache holds'), ...(['fileSize', 'fileHash', 'decompress', 'narSize', 'narHash'] as const).map((c) => skipped(c, 'no NAR to check'))]);
  }
  const body = await store.getStream(narinfo.url, { signal });
  if (!body) {
    return done([object('failed', `${store.description} has no ${narinfo.url}`), ...(['fileSize', 'fileHash', 'decompress', 'narSize', 'narHash'] as const).map((c) => skipped(c, 'no NAR to check'))]);
  }

  const method = narinfo.compression;
  const readable = isCompressionMethod(method);
  // A file far beyond what it should be is not read to its end (a hostile server may never end it).
  const fileLimit = narinfo.fileSize ?? narinfo.narSize * 2 + (16 << 20);
  const fileHasher = createHash('sha256');
  const narHasher = createHash('sha256');
  let fileBytes = 0;
  let fileOverrun = false;
  let narBytes = 0;
  let narExceeded = false;
  let fed = 0;
  let codecError: Error | undefined;
  const progress = () => options.onProgress?.({ fileBytes, ...(narinfo.fileSize !== undefined ? { fileSize: narinfo.fileSize } : {}), narBytes, narSize: narinfo.narSize });

  const countNar = (chunk: Uint8Array) => {
    narBytes += chunk.length;
    if (narBytes > narinfo.narSize) {
      narExceeded = true;
      throw new NarSizeExceeded();
    }
    narHasher.update(chunk);
  };
  let codec: CodecStream | undefined;
  if (readable && method !== 'none') {
    codec = createDecompressor(method, { signal });
    let stopped = false;
    codec.on('data', (chunk: Uint8Array) => {
      if (stopped) return;
      try {
        countNar(chunk);
      } catch (e) {
        stopped = true;
        // Not from inside its own 'data' event: the codec still touches its worker after emitting it.
        queueMicrotask(() => codec!.destroy(e as Error));
      }
    });
    codec.on('error', (e) => {
      codecError ??= e;
    });
  }
  let narStopped = false;
  try {
    for await (const chunk of body) {
      if (fileBytes + chunk.length > fileLimit) {
        fileOverrun = true;
        fileBytes += chunk.length;
        break;
      }
      fileHasher.update(chunk);
      fileBytes += chunk.length;
      if (readable && method === 'none' && !narStopped) {
        try {
          countNar(chunk);
        } catch {
          narStopped = true;
        }
      } else if (codec && !codec.destroyed) {
        fed += chunk.length;
        if (!codec.write(chunk)) await Promise.race([once(codec, 'drain'), once(codec, 'close')]).catch(() => {});
      }
      progress();
    }
    codec?.end();
    if (codec) await codec.digests.catch(() => {});
  } catch (e) {
    codec?.destroy();
    if (signal?.aborted) throw signal.reason;
    throw e instanceof ApiError ? e : new ApiError('unreachable', `Reading ${narinfo.url} from ${store.description} failed after ${fileBytes} bytes: ${(e as Error).message}`);
  } finally {
    codec?.destroy();
  }
  progress();

  const checks: NarCheckView[] = [object('ok')];
  if (fileOverrun) {
    checks.push({ check: 'fileSize', status: 'failed', ...(narinfo.fileSize !== undefined ? { expected: String(narinfo.fileSize) } : {}), actual: `more than ${fileLimit}`, detail: `the file goes on past ${fileLimit} bytes; stopped reading there` });
    checks.push(skipped('fileHash', 'the file was not read to its end'));
  } else {
    checks.push(...fileChecks(narinfo, digestOf(fileHasher, fileBytes)).map(view));
  }
  const exceeded = narStopped || narExceeded;
  if (!readable) {
    checks.push({ check: 'decompress', status: 'failed', detail: `the narinfo says Compression: ${method}, which Narwhal cannot decompress` });
  } else if (codecError && !exceeded) {
    checks.push({ check: 'decompress', status: 'failed', detail: `${method} decompression failed after ${fed} of ${fileBytes} bytes of the file (${narBytes} bytes of NAR out): ${codecError.message}` });
  } else if (fileOverrun) {
    checks.push(skipped('decompress', 'the file was not read to its end'));
  } else {
    checks.push({ check: 'decompress', status: exceeded ? 'skipped' : 'ok', ...(exceeded ? { detail: 'stopped at NarSize' } : { detail: method === 'none' ? 'stored uncompressed' : `${method}` }) });
  }
  if (exceeded) {
    checks.push({ check: 'narSize', status: 'failed', expected: String(narinfo.narSize), actual: `more than ${narinfo.narSize}`, detail: `the NAR goes on past its NarSize of ${narinfo.narSize} bytes; stopped there` });
    checks.push(skipped('narHash', 'the NAR is longer than NarSize'));
  } else if (checks.at(-1)!.status !== 'ok') {
    checks.push(skipped('narSize', 'the NAR could not be decompressed'), skipped('narHash', 'the NAR could not be decompressed'));
  } else {
    checks.push(...narChecks(narinfo, digestOf(narHasher, narBytes)).map(view));
  }
  return done(checks);
}
