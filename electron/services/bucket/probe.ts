import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import type { Meaning, ProbeAnswer, ProbeResult, ProbeStep } from '../../../shared/bucket/probe';
import {
  anonymousUrl,
  cacheInfoMeaning,
  deleteMeaning,
  impossibleNarinfoKey,
  missingNarinfoMeaning,
  s3ErrorCode,
  skippedDelete,
  writeMeaning,
  writeTestKey,
} from '../../../shared/bucket/probe';
import { S3Store } from '../stores/s3-store';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Each request's deadline (default 10 s): a probe must say "no answer", not hang. */
  deadlineMs?: number;
  now?: () => Date;
}

const defaultDeadlineMs = 10_000;
/** An error body is a few hundred bytes of XML; more is not S3 and not needed. */
const maxBodyBytes = 64 * 1024;

const isAbort = (e: unknown): boolean => (e as { name?: string } | null)?.name === 'AbortError';

async function readSome(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBodyBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8');
}

/**
 * One unsigned GET, as Nix's HTTP binary cache store sends it: no credentials, redirects not
 * followed (S3's region redirects are answers to report, not to chase).
 */
async function anonymousGet(url: string, deadlineMs: number, signal: AbortSignal | undefined): Promise<ProbeAnswer> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual', signal: both, headers: { 'user-agent': 'Narwhal probe' } });
    if (response.ok) {
      await response.body?.cancel().catch(() => {});
      return { status: response.status };
    }
    const body = await readSome(response);
    const s3Code = s3ErrorCode(body);
    return { status: response.status, ...(s3Code ? { s3Code } : {}) };
  } catch (e) {
    if (signal?.aborted) throw e;
    if (deadline.aborted) return { failure: { kind: 'timeout', message: `No answer within ${deadlineMs} ms` } };
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { failure: { kind: 'unreachable', message: `Could not connect to ${new URL(url).host}: ${cause?.code ?? cause?.message ?? (e as Error).message}` } };
  }
}

/** One request with the connection's credentials; the answer's status and S3 code as they came. */
async function signed(store: S3Store, run: (signal: AbortSignal | undefined) => Promise<{ $metadata: { httpStatusCode?: number } }>, signal: AbortSignal | undefined): Promise<ProbeAnswer> {
  try {
    const out = await run(signal);
    return { status: out.$metadata.httpStatusCode ?? 200 };
  } catch (e) {
    if (signal?.aborted || isAbort(e)) throw e;
    if (e instanceof ApiError) {
      // The store's own deadline ran out (S3Store.request maps it to 'unreachable', "No answer ...").
      const kind = /^No answer/.test(e.message) ? 'timeout' : e.code === 'access-denied' ? 'denied' : e.code === 'unreachable' ? 'unreachable' : 'error';
      return { failure: { kind, message: e.message } };
    }
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    if (status !== undefined) return { status, ...(err.name && err.name !== 'Error' ? { s3Code: err.name } : {}) };
    const mapped = store.mapError(e);
    return { failure: { kind: mapped instanceof ApiError && mapped.code === 'unreachable' ? 'unreachable' : 'error', message: mapped.message } };
  }
}

/**
 * Probes an S3 cache for real: anonymous GETs of nix-cache-info and of a narinfo no cache holds (what
 * a Nix client with the bucket as an http(s) substituter gets), then a PUT and a DELETE of a
 * temporary, clearly named object with the connection's credentials. Every request has its own
 * deadline and is made once (no retries: a probe reports what happens, it does not insist).
 */
export async function probeBucket(config: S3Config, env: NodeJS.ProcessEnv, options: ProbeOptions = {}): Promise<ProbeResult> {
  const deadlineMs = options.deadlineMs ?? defaultDeadlineMs;
  const now = options.now ?? (() => new Date());
  const { signal } = options;
  const cacheInfo = anonymousUrl(config, 'nix-cache-info');
  const narinfo = anonymousUrl(config, impossibleNarinfoKey);
  const writeKey = writeTestKey(now(), randomBytes(4).toString('hex'));

  const step = (id: ProbeStep['id'], request: string, method: ProbeStep['method'], target: string, principal: ProbeStep['principal'], answer: ProbeAnswer, meaning: Meaning, elapsedMs: number): ProbeStep => ({
    id,
    request,
    method,
    target,
    principal,
    ...(answer.status !== undefined ? { status: answer.status } : {}),
    ...(answer.s3Code ? { s3Code: answer.s3Code } : {}),
    ...meaning,
    elapsedMs,
  });
  const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await run();
    return [value, Math.round(performance.now() - t0)];
  };

  const anonymous = async (): Promise<ProbeStep[]> => {
    const [[info, infoMs], [miss, missMs]] = await Promise.all([
      timed(() => anonymousGet(cacheInfo.url, deadlineMs, signal)),
      timed(() => anonymousGet(narinfo.url, deadlineMs, signal)),
    ]);
    return [
      step('anonymous-cache-info', 'Anonymous GET of nix-cache-info', 'GET', cacheInfo.url, 'anonymous', info, cacheInfoMeaning(info, deadlineMs), infoMs),
      step('anonymous-missing-narinfo', 'Anonymous GET of a narinfo that does not exist', 'GET', narinfo.url, 'anonymous', miss, missingNarinfoMeaning(miss, deadlineMs), missMs),
    ];
  };

  const write = async (): Promise<ProbeStep[]> => {
    const store = new S3Store(config, env, { retry: { deadlineMs, maxAttempts: 1, maxTotalMs: deadlineMs } });
    try {
      const body = `Written by Narwhal's write test at ${now().toISOString()} and deleted right after; safe to delete if it is still here.\n`;
      const [put, putMs] = await timed(() =>
        signed(store, (s) => store.request(new PutObjectCommand({ Bucket: config.bucket, Key: writeKey, Body: body, ContentType: 'text/plain; charset=utf-8' }), { signal: s }), signal),
      );
      const putMeaning = writeMeaning(put, deadlineMs);
      const steps = [step('write-put', "PUT with the connection's credentials", 'PUT', writeKey, 'connection', put, putMeaning, putMs)];
      // A PUT that timed out may still have landed: delete anyway; only a refused or failed one wrote nothing.
      if (putMeaning.outcome === 'ok' || putMeaning.outcome === 'timeout') {
        const [del, delMs] = await timed(() => signed(store, (s) => store.request(new DeleteObjectCommand({ Bucket: config.bucket, Key: writeKey }), { signal: s }), signal));
        steps.push(step('write-delete', "DELETE with the connection's credentials", 'DELETE', writeKey, 'connection', del, deleteMeaning(del, deadlineMs, writeKey), delMs));
      } else {
        steps.push(step('write-delete', "DELETE with the connection's credentials", 'DELETE', writeKey, 'connection', {}, skippedDelete(), 0));
      }
      return steps;
    } finally {
      store.close();
    }
  };

  const [anon, written] = await Promise.all([anonymous(), write()]);
  return { steps: [...anon, ...written], addressing: cacheInfo.addressing, writeKey, deadlineMs, at: now().toISOString() };
}
