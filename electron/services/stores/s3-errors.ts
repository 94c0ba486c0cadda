import { ApiError } from '../../../shared/api/errors';
import { attemptsMade, isTransientNetworkError, retryableStatuses } from './retry';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export interface S3Where {
  bucket: string;
  endpoint: string;
  region: string;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Node puts the network error code on the error or on its cause, depending on the layer that failed. */
function networkCode(e: unknown): string | undefined {
  for (let cur = e as { code?: string; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; cur && depth < 5; depth++) {
    if (cur.code && unreachableCodes.has(cur.code)) return cur.code;
    if (Array.isArray(cur.errors)) {
      const inner = cur.errors.map(networkCode).find(Boolean);
      if (inner) return inner;
    }
    cur = cur.cause as typeof cur;
  }
  return undefined;
}

/** Error names S3 flavours use to ask a client to slow down. */
const throttlingNames = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException']);
const transientNames = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'BadGateway', 'GatewayTimeout']);

const statusOf = (err: SdkError) => err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
const headerOf = (err: SdkError, name: string) => err.$response?.headers?.[name];

/** Whether an answer carries the marks of an S3 server: a request id header. */
export function hasS3Headers(headers: Record<string, string | undefined> | undefined): boolean {
  return Boolean(headers && (headers['x-amz-request-id'] || headers['x-amz-id-2']));
}

/**
 * How an answer shows the endpoint is not an S3 server: the SDK could not parse its body as XML (an
 * HTML page), it is an HTML page, or it is a bare 404 with neither an S3 error body nor an S3 request
 * id (an S3 server names the missing key or bucket: NoSuchKey, NoSuchBucket). Undefined when it looks like S3.
 */
export function notS3Evidence(e: unknown): string | undefined {
  const err = (e ?? {}) as SdkError;
  const status = statusOf(err);
  const contentType = headerOf(err, 'content-type') ?? '';
  const at = status ? ` (HTTP ${status})` : '';
  if (/text\/html/i.test(contentType) && !hasS3Headers(err.$response?.headers)) return `it answered with an HTML page${at}`;
  if (/XML parse error|Deserialization error/i.test(err.message ?? '')) return `it answered with something that is not S3's XML${at}`;
  if (status === 404 && (err.name === 'NotFound' || err.name === 'Unknown' || err.name === 'UnknownError') && !hasS3Headers(err.$response?.headers)) {
    return 'it answered an empty 404, where an S3 server names the missing key or bucket';
  }
  return undefined;
}

export function notS3Error(endpoint: string, evidence: string): ApiError {
  return new ApiError('not-s3', `${endpoint} does not speak S3: ${evidence}. Check the endpoint: it should be the S3 API's address, not a web page.`);
}

/** Whether a failed request may be repeated: throttling, a 5xx, a dropped connection. */
export function isRetryableS3Error(e: unknown): boolean {
  if (e instanceof ApiError) return false;
  const err = (e ?? {}) as SdkError;
  if (err.name === 'AbortError') return false;
  const name = err.name ?? '';
  const status = statusOf(err);
  return throttlingNames.has(name) || transientNames.has(name) || (status !== undefined && retryableStatuses.has(status)) || isTransientNetworkError(e);
}

const tries = (n: number) => (n > 1 ? ` (${n} attempts)` : '');

/**
 * Turns what the S3 SDK throws into one plain message per cause: the only place S3 answers are read.
 * Each S3 flavour words things a little differently (AWS, RGW, MinIO, R2 ...), so the mapping looks at
 * the error name, the HTTP status and the headers together.
 */
export function mapS3Error(e: unknown, where: S3Where): Error {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkError;
  if (err.name === 'AbortError') return e as Error;
  const name = err.name ?? err.code ?? '';
  const status = statusOf(err);
  const at = `bucket "${where.bucket}" at ${where.endpoint}`;
  const attempts = attemptsMade(e);

  const netCode = networkCode(e);
  if (netCode || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new ApiError('unreachable', `Cannot reach ${where.endpoint} (${netCode ?? 'timed out'})${tries(attempts)}. Check the endpoint and that the server is running.`);
  }
  if (/socket hang up|other side closed/i.test(err.message ?? '') || isTransientNetworkError(e)) {
    return new ApiError('unreachable', `${where.endpoint} closed the connection without answering${tries(attempts)}. Check the endpoint and that the server is running.`);
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
    return new ApiError('no-credentials', `No AWS credentials found for ${at}: choose a profile or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. (${err.message ?? name})`);
  }
  const notS3 = notS3Evidence(e);
  if (notS3) return notS3Error(where.endpoint, notS3);
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidToken' || name === 'ExpiredToken' || name === 'TokenRefreshRequired') {
    const why = name === 'SignatureDoesNotMatch' ? 'the secret key is wrong' : name === 'InvalidAccessKeyId' ? 'the access key is unknown to the server' : 'the session token is invalid or expired';
    return new ApiError('bad-credentials', `The server rejected the credentials for ${at}: ${why}.`);
  }
  if (name === 'NoSuchBucket') {
    return new ApiError('no-such-bucket', `There is no bucket "${where.bucket}" at ${where.endpoint}.`);
  }
  const regionHeader = headerOf(err, 'x-amz-bucket-region') ?? err.Region;
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException' || status === 301 || (regionHeader && regionHeader !== where.region && (status === 400 || status === 301))) {
    return new ApiError(
      'wrong-region',
      regionHeader
        ? `Bucket "${where.bucket}" is in region ${regionHeader}, not ${where.region}. Set the region to ${regionHeader}.`
        : `Bucket "${where.bucket}" is not in region ${where.region}; the server did not say which region it is in.`,
    );
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new ApiError('access-denied', `Access denied to ${at}: the credentials are valid but the bucket policy or IAM policy does not allow this.`);
  }
  if (throttlingNames.has(name) || status === 429 || (status === 503 && !transientNames.has(name))) {
    const answer = [name && name !== 'Unknown' ? name : '', status ? `HTTP ${status}` : ''].filter(Boolean).join(', ');
    return new ApiError('throttled', `${where.endpoint} is throttling requests to ${at} (${answer})${tries(attempts)}, and still was after backing off. Try again later, or with fewer requests at once.`);
  }
  const detail = err.message && err.message !== 'UnknownError' && err.message !== name ? `: ${err.message}` : '';
  return new ApiError('internal', `S3 error from ${at}: ${name || 'unknown'}${status ? ` (HTTP ${status})` : ''}${tries(attempts)}${detail}`);
}
