import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentityProvider, Command } from '@smithy/types';
import type * as S3Sdk from './s3-sdk';
import { ApiError } from '../../../shared/api/errors';
import type { S3Config } from '../../../shared/caches/config';
import { assertProfileExists, profileFiles } from '../aws/profiles';
import { abortableReadable } from './abortable-source';
import { defaultReadLimit, readBounded, tooLarge } from './bounded-read';
import { withIdleDeadline } from './idle-deadline';
import { PartBuffers, readPart } from './part-buffers';
import { skipPayloadHashOverTls } from './unsigned-payload';
import type { CacheStore, GetOptions, ListOptions, ObjectInfo, PutBody } from './cache-store';
import { assertSafeKey } from './cache-store';
import type { RetryPolicy } from './retry';
import { abortError, defaultRetryPolicy, formatSeconds, withRetries } from './retry';
import { hasS3Headers, isRetryableS3Error, mapS3Error, notS3Error, notS3Evidence } from './s3-errors';

/**
 * The AWS SDK, loaded when a store first needs it rather than when this module is: its module code
 * takes 30-50 ms to run, a tenth of a CLI push's start, and a push to a folder never sends a request.
 */
let sdk: Promise<typeof S3Sdk> | undefined;
const loadSdk = () => (sdk ??= import('./s3-sdk'));

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last); also Nix's default `buffer-size`. */
export const minPartSize = 5 * MiB;
/** Parts in flight at once for one streaming upload. */
const uploadQueueSize = 4;
/** A body of n bytes gets n / this many extra milliseconds per attempt: about 256 KiB/s at worst. */
const slowestBytesPerMs = 256;
/** Buffers for putFile's parts, shared by every store of the process. */
const partBuffers = new PartBuffers();

/** Where the SDK should send requests, following Nix's rules: `endpoint` is a host (or URL), `scheme` its protocol. */
export function s3EndpointUrl(config: S3Config): string | undefined {
  if (!config.endpoint) return undefined;
  if (/^[a-z]+:\/\//i.test(config.endpoint)) return config.endpoint.replace(/\/+$/, '');
  return `${config.scheme ?? 'https'}://${config.endpoint}`;
}

export function s3ClientConfig(config: S3Config, env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = s3EndpointUrl(config);
  // Nix: a custom endpoint implies path-style addressing unless virtual is asked for.
  const forcePathStyle = config.addressingStyle === 'path' || (endpoint !== undefined && config.addressingStyle !== 'virtual');
  return {
    region: config.region || env.AWS_REGION || 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle,
    credentials: credentialsFor(config, env),
    // The SDK's default checksums (CRC32 trailers on every upload) are not understood by many S3
    // servers (Ceph RGW 16 answers MissingContentLength, older MinIO and B2 fail too): only when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Retries and deadlines are ours (retry.ts, S3Store.request): the SDK's requestTimeout only logs a
    // warning, and its retries cannot be told apart from ours in an error message.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000 },
  };
}

/** The part size of multipart uploads: the store URL's `buffer-size` (as in Nix), else 5 MiB. */
export function partSizeOf(config: S3Config): number {
  const setting = config.settings.find(([key]) => key === 'buffer-size')?.[1];
  if (setting === undefined) return minPartSize;
  const size = Number(setting);
  if (!Number.isSafeInteger(size) || size < minPartSize) {
    throw new ApiError('invalid-input', `buffer-size=${setting} in the store URL of s3://${config.bucket}: it must be a whole number of bytes, at least ${minPartSize} (5 MiB, S3's smallest part).`);
  }
  return size;
}

/**
 * The credential chain (environment, profile, SSO, credential_process, container, instance) runs here
 * in the main process; nothing of it ever reaches the renderer. A profile named in the store URL wins
 * over environment keys, as in Nix. `env` is passed explicitly (rather than the SDK reading
 * process.env) so the CLI, the shells and tests all resolve from the environment they were given.
 */
export function credentialsFor(config: S3Config, env: NodeJS.ProcessEnv): AwsCredentialIdentityProvider {
  if (!config.profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const identity = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
    return async () => identity;
  }
  const files = profileFiles(env);
  const profile = config.profile ?? env.AWS_PROFILE;
  let chain: AwsCredentialIdentityProvider | undefined;
  return async (options) => {
    // The chain would say only "Could not load credentials from any providers" for a misspelt name.
    if (config.profile) await assertProfileExists(config.profile, env);
    chain ??= (await loadSdk()).fromNodeProviderChain({ profile, filepath: files.credentialsFile, configFilepath: files.configFile, ignoreCache: true });
    return chain(options);
  };
}

type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = Command<ServiceInputTypes, I, ServiceOutputTypes, O, never>;

function byteLength(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return 0;
}

const isBytes = (body: PutBody): body is Uint8Array | string => typeof body === 'string' || body instanceof Uint8Array;

/** A multipart upload that was started and neither completed nor aborted. */
export interface IncompleteUpload {
  key: string;
  uploadId: string;
  /** When it was started, by the server's clock. */
  initiated?: Date;
}

export interface S3StoreOptions {
  /** Deadlines, attempts and back-off of every request (tests shorten them). */
  retry?: Partial<RetryPolicy>;
}

export class S3Store implements CacheStore {
  readonly writable = true;
  readonly description: string;
  readonly bucket: string;
  readonly where: { bucket: string; endpoint: string; region: string };
  private readonly clientConfig: S3ClientConfig;
  /** Made on the first request (see loadSdk). */
  private clientReady: Promise<S3Client> | undefined;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly config: S3Config,
    env: NodeJS.ProcessEnv = process.env,
    options: S3StoreOptions = {},
  ) {
    const clientConfig = s3ClientConfig(config, env);
    this.clientConfig = clientConfig;
    const endpoint = s3EndpointUrl(config) ?? 'AWS S3';
    this.bucket = config.bucket;
    this.where = { bucket: config.bucket, endpoint, region: String(clientConfig.region) };
    this.description = `s3://${config.bucket} at ${endpoint}`;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
  }

  /**
   * Sends one S3 command with a deadline per attempt, retries with back-off on throttling and
   * transient failures, and the caller's signal. Errors come back unmapped (callers look at some S3
   * names, e.g. NoSuchKey, before mapping); every request of this store goes through here.
   */
  async request<I extends ServiceInputTypes, O extends ServiceOutputTypes>(command: S3Command<I, O>, options: { signal?: AbortSignal } = {}): Promise<O> {
    const client = await this.client();
    return withRetries((signal) => client.send(command, { abortSignal: signal }), {
      policy: this.retry,
      signal: options.signal,
      extraDeadlineMs: byteLength((command.input as { Body?: unknown }).Body) / slowestBytesPerMs,
      isRetryable: isRetryableS3Error,
      onDeadline: (ms) => this.noAnswer(ms),
    });
  }

  private client(): Promise<S3Client> {
    return (this.clientReady ??= loadSdk().then(({ S3Client }) => {
      const client = new S3Client(this.clientConfig);
      skipPayloadHashOverTls(client);
      return client;
    }));
  }

  /** An attempt with its own body handling (a GET read whole), with the same deadline and retries. */
  private attempt<T>(run: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return withRetries(run, { policy: this.retry, signal, isRetryable: isRetryableS3Error, onDeadline: (ms) => this.noAnswer(ms) });
  }

  private noAnswer(ms: number): ApiError {
    return new ApiError('unreachable', `No answer from ${this.where.endpoint} within ${formatSeconds(ms)} (bucket "${this.bucket}"). The server accepted the connection but did not answer; check the endpoint and that the server is healthy.`);
  }

  mapError(e: unknown): Error {
    return mapS3Error(e, this.where);
  }

  /**
   * Sends a GET and checks that the answer is an S3 object, not a web server's page (which answers a
   * GET of any path with HTML where S3 would send the object). The body is the caller's to read or drop.
   */
  private async open(key: string, signal: AbortSignal): Promise<{ body: Readable | undefined; size: number | undefined }> {
    const { GetObjectCommand } = await loadSdk();
    const out = await (await this.client()).send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    const body = out.Body as Readable | undefined;
    if (/text\/html/i.test(out.ContentType ?? '') && !out.$metadata.requestId && !out.$metadata.extendedRequestId) {
      body?.destroy();
      throw notS3Error(this.where.endpoint, `it answered the GET of ${key} with an HTML page`);
    }
    return { body, size: out.ContentLength };
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    assertSafeKey(key);
    const limit = options.maxBytes ?? defaultReadLimit(key);
    try {
      return await this.attempt(async (signal) => {
        const { body, size } = await this.open(key, signal);
        const drop = () => body?.destroy();
        if (limit !== undefined && size !== undefined && size > limit) {
          drop();
          throw tooLarge(key, this.description, limit, size);
        }
        if (!body) return new Uint8Array();
        return await readBounded(body, limit, () => tooLarge(key, this.description, limit!), drop);
      }, options.signal);
    } catch (e) {
      if (isMissingKey(e)) return null;
      throw this.mapError(e);
    }
  }

  async getStream(key: string, options: { signal?: AbortSignal } = {}): Promise<AsyncIterable<Uint8Array> | null> {
    assertSafeKey(key);
    let body: Readable | undefined;
    try {
      // The deadline covers the answer's headers; the body's own clock is the idle deadline below.
      ({ body } = await this.attempt((signal) => this.open(key, signal), options.signal));
    } catch (e) {
      if (isMissingKey(e)) return null;
      throw this.mapError(e);
    }
    if (!body) return Readable.from([]);
    return this.mappedErrors(withIdleDeadline(body, this.retry.deadlineMs, () => this.stalled(key), options.signal));
  }

  /** A body that fails mid-way (reset, dropped) fails with the same messages as a request. */
  private async *mappedErrors(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      yield* source;
    } catch (e) {
      if ((e as Error).name === 'AbortError' || e instanceof ApiError) throw e;
      throw this.mapError(e);
    }
  }

  private stalled(key: string): ApiError {
    return new ApiError('unreachable', `${this.where.endpoint} stopped sending ${key} of bucket "${this.bucket}" for ${formatSeconds(this.retry.deadlineMs)} in the middle of it.`);
  }

  async put(key: string, body: PutBody, contentType: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    const partSize = partSizeOf(this.config);
    try {
      const { PutObjectCommand } = await loadSdk();
      if (isBytes(body) && byteLength(body) <= partSize) {
        await this.request(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }), options);
        return;
      }
      await this.upload(key, body, contentType, partSize, options.signal);
    } catch (e) {
      throw this.mapError(e);
    }
  }

  /**
   * Puts a file of `size` bytes (a staged NAR) without a stream or a copy: one PutObject when it
   * fits in a part, else a multipart upload whose parts are read from the file at their offsets,
   * `uploadQueueSize` at a time, each straight into a part buffer kept for the next (part-buffers.ts).
   * lib-storage's Upload, given the file as a stream, gathered its chunks into fresh part buffers:
   * that copying, its page faults and the garbage collection after it made a push of one 300 MiB NAR
   * to RGW take 3.5 s of CPU and 180 MB, where this takes 1.8 s and 124 MB. A part that fails is retried
   * from the same bytes (`request`); the create, complete and abort are not tied to the caller's
   * signal, so a cancelled upload is always aborted and leaves no parts behind.
   */
  async putFile(key: string, file: string, size: number, contentType: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    const partSize = partSizeOf(this.config);
    try {
      if (options.signal?.aborted) throw abortError(options.signal);
      const sdk = await loadSdk();
      const handle = await open(file, 'r');
      try {
        const actual = (await handle.stat()).size;
        if (actual !== size) throw new ApiError('internal', `${file} holds ${actual} bytes, not the ${size} it should: it was changed after it was written, and is not uploaded.`);
        if (size <= partSize) {
          await partBuffers.using(partSize, async (buffer) => {
            const body = await readPart(handle, file, buffer, 0, size);
            await this.request(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }), options);
          });
        } else {
          await this.multipartFromFile(sdk, key, handle, file, size, partSize, contentType, options.signal);
        }
      } finally {
        await handle.close();
      }
    } catch (e) {
      throw this.mapError(e);
    }
  }

  private async multipartFromFile(
    sdk: typeof S3Sdk,
    key: string,
    handle: FileHandle,
    file: string,
    size: number,
    partSize: number,
    contentType: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const target = { Bucket: this.bucket, Key: key };
    const { UploadId } = await this.request(new sdk.CreateMultipartUploadCommand({ ...target, ContentType: contentType }));
    if (!UploadId) throw new ApiError('internal', `${this.description} started the multipart upload of ${key} without giving its upload id.`);
    // The first failure stops the other parts: theirs would only be aborted with the upload.
    const stop = new AbortController();
    const partSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
    const count = Math.ceil(size / partSize);
    const parts: { PartNumber: number; ETag: string }[] = [];
    let next = 0;
    let failure: unknown;
    const sendParts = async () => {
      while (next < count && !partSignal.aborted) {
        const index = next++;
        const offset = index * partSize;
        await partBuffers.using(partSize, async (buffer) => {
          const body = await readPart(handle, file, buffer, offset, Math.min(partSize, size - offset));
          const out = await this.request(new sdk.UploadPartCommand({ ...target, UploadId, PartNumber: index + 1, Body: body }), { signal: partSignal });
          if (!out.ETag) throw new ApiError('internal', `${this.description} accepted part ${index + 1} of ${key} without an ETag, which completing the upload needs.`);
          parts[index] = { PartNumber: index + 1, ETag: out.ETag };
        });
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(uploadQueueSize, count) }, () =>
          sendParts().catch((e) => {
            failure ??= e;
            stop.abort();
          }),
        ),
      );
      if (failure !== undefined) throw failure;
      if (signal?.aborted) throw abortError(signal);
      await this.request(new sdk.CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (e) {
      // Best effort: if even this fails, push's sweep-multipart.ts aborts it on a later push.
      await this.request(new sdk.AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  /**
   * A streaming or large upload: lib-storage's Upload sends one PutObject when the body fits in one
   * part, else a multipart upload with `uploadQueueSize` parts in flight. Its requests go through
   * `request` (deadline, retries, the caller's signal). On cancel the parts in flight are aborted and
   * Upload sends AbortMultipartUpload before it rejects, so nothing is left behind; that command, and
   * the create and complete around the parts, are not tied to the caller's signal, so the upload's
   * id is always known and its clean-up always sent.
   */
  private async upload(key: string, body: PutBody, contentType: string, partSize: number, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    const { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, Upload } = await loadSdk();
    const unbound = (command: unknown) =>
      command instanceof AbortMultipartUploadCommand || command instanceof CreateMultipartUploadCommand || command instanceof CompleteMultipartUploadCommand;
    const client = Object.create(await this.client()) as S3Client;
    client.send = ((command: S3Command<ServiceInputTypes, ServiceOutputTypes>) => this.request(command, { signal: unbound(command) ? undefined : signal })) as S3Client['send'];
    let source: Uint8Array | Readable;
    if (isBytes(body)) {
      source = typeof body === 'string' ? Buffer.from(body) : body;
    } else {
      // A source that stalls must not hold the upload open after a cancel.
      source = abortableReadable(body, signal);
    }
    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: key, Body: source, ContentType: contentType },
      partSize,
      queueSize: uploadQueueSize,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectInfo | null> {
    assertSafeKey(key);
    const { GetObjectCommand, HeadObjectCommand } = await loadSdk();
    try {
      const out = await this.request(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), options);
      return { key, size: out.ContentLength ?? 0, ...(out.ETag ? { etag: out.ETag } : {}), ...(out.LastModified ? { lastModified: out.LastModified } : {}) };
    } catch (e) {
      // A HEAD answer has no body, so a 404 cannot name its cause: it means the key is missing.
      if (statusOf(e) === 404) return null;
      throw await this.explainBodiless(e, () => this.request(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: 'bytes=0-0' }), options), options.signal);
    }
  }

  async delete(key: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    assertSafeKey(key);
    const { DeleteObjectCommand } = await loadSdk();
    try {
      await this.request(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), options);
    } catch (e) {
      throw this.mapError(e);
    }
  }

  async deleteMany(keys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    keys.forEach(assertSafeKey);
    const { DeleteObjectsCommand } = await loadSdk();
    const failed: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      let out;
      try {
        out = await this.request(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), options);
      } catch (e) {
        throw this.mapError(e);
      }
      for (const error of out.Errors ?? []) failed.push(`${error.Key ?? '?'} (${error.Code ?? 'error'}${error.Message ? `: ${error.Message}` : ''})`);
    }
    if (failed.length > 0) {
      const shown = failed.slice(0, 5).join(', ');
      throw new ApiError(failed.some((f) => f.includes('AccessDenied')) ? 'access-denied' : 'internal', `${this.description} did not delete ${failed.length} of ${keys.length} objects: ${shown}${failed.length > 5 ? ', …' : ''}.`);
    }
  }

  /**
   * The incomplete multipart uploads under `prefix` (ListMultipartUploads, every page), aborting those
   * `pick` chooses (AbortMultipartUpload). A SIGKILLed upload cannot abort itself, and its parts stay
   * billed as storage until someone does; see push/sweep-multipart.ts for who and when. An upload
   * that is gone by the time of its abort (completed or aborted meanwhile) counts as aborted.
   */
  async abortIncompleteUploads(
    prefix: string,
    pick: (upload: IncompleteUpload) => boolean,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ aborted: IncompleteUpload[]; kept: IncompleteUpload[] }> {
    const { AbortMultipartUploadCommand, ListMultipartUploadsCommand } = await loadSdk();
    const uploads: IncompleteUpload[] = [];
    try {
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      do {
        const page = await this.request(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }), options);
        for (const u of page.Uploads ?? []) if (u.Key && u.UploadId) uploads.push({ key: u.Key, uploadId: u.UploadId, ...(u.Initiated ? { initiated: u.Initiated } : {}) });
        [keyMarker, uploadIdMarker] = page.IsTruncated ? [page.NextKeyMarker, page.NextUploadIdMarker] : [undefined, undefined];
      } while (keyMarker);
    } catch (e) {
      throw this.mapError(e);
    }
    const aborted: IncompleteUpload[] = [];
    const kept: IncompleteUpload[] = [];
    for (const upload of uploads) {
      if (!pick(upload)) {
        kept.push(upload);
        continue;
      }
      try {
        await this.request(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId }), options);
      } catch (e) {
        if ((e as { name?: string }).name !== 'NoSuchUpload') throw this.mapError(e);
      }
      aborted.push(upload);
    }
    return { aborted, kept };
  }

  async *list(options: ListOptions = {}): AsyncIterable<ObjectInfo[]> {
    const { ListObjectsV2Command } = await loadSdk();
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.request(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: options.prefix, Delimiter: options.delimiter, MaxKeys: 1000, ContinuationToken: token }),
          { signal: options.signal },
        );
      } catch (e) {
        throw this.mapError(e);
      }
      yield (page.Contents ?? [])
        .filter((object) => object.Key)
        .map((object) => ({
          key: object.Key!,
          size: object.Size ?? 0,
          ...(object.ETag ? { etag: object.ETag } : {}),
          ...(object.LastModified ? { lastModified: object.LastModified } : {}),
        }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *listTopLevel(options: { signal?: AbortSignal } = {}): AsyncIterable<string[]> {
    // Delimiter '/' keeps nar/, log/ and friends out of the listing: only top-level keys come back.
    for await (const page of this.list({ signal: options.signal, delimiter: '/' })) yield page.map((object) => object.key);
  }

  async ensureExists(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { CreateBucketCommand, HeadBucketCommand, ListObjectsV2Command } = await loadSdk();
    try {
      await this.request(new HeadBucketCommand({ Bucket: this.bucket }), options);
      return;
    } catch (e) {
      if (statusOf(e) !== 404) {
        throw await this.explainBodiless(e, () => this.request(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 0 }), options), options.signal);
      }
    }
    try {
      const region = this.where.region;
      await this.request(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // AWS wants the region spelled out everywhere but us-east-1.
          ...(region !== 'us-east-1' && !this.config.endpoint ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}),
        }),
        options,
      );
    } catch (e) {
      throw this.mapError(e);
    }
  }

  /**
   * A HEAD answer has no body, so a 403 cannot say whether the secret is wrong or the policy denies:
   * mapped as is it would read "access denied, the credentials are valid" for a wrong secret. A cheap
   * request with a body (`probe`) learns the S3 error name, and that is mapped instead.
   */
  private async explainBodiless(e: unknown, probe: () => Promise<unknown>, signal: AbortSignal | undefined): Promise<Error> {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string | undefined> } };
    if (statusOf(e) !== 403 || (err.name && err.name !== 'Unknown' && err.name !== 'Forbidden')) return this.mapError(e);
    try {
      await probe();
    } catch (probeError) {
      signal?.throwIfAborted();
      const name = (probeError as { name?: string }).name;
      if (name && name !== 'Unknown' && name !== 'Forbidden' && statusOf(probeError) !== undefined) return this.mapError(probeError);
    }
    return this.mapError(e);
  }

  close(): void {
    // Nothing to close when the SDK never loaded (a load failure was reported to that request).
    void this.clientReady?.then(
      (client) => client.destroy(),
      () => undefined,
    );
  }
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/**
 * A GET's "no such key": S3's NoSuchKey, or a 404 from a server that is S3 (request id header) but
 * sent no error body. A bare 404 without S3's marks is a web server's: mapped to not-s3, not "missing".
 */
function isMissingKey(e: unknown): boolean {
  const err = e as { name?: string; $response?: { headers?: Record<string, string | undefined> } };
  if (err?.name === 'NoSuchKey') return true;
  return statusOf(e) === 404 && err.name === 'NotFound' && hasS3Headers(err.$response?.headers) && !notS3Evidence(e);
}
