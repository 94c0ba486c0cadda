import { ApiError } from '../../../shared/api/errors';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Region?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

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

/**
 * Turns what the S3 SDK throws into one plain message per cause. Each S3 flavour words things a little
 * differently (AWS, RGW, MinIO, R2 ...), so the mapping looks at the error name, the HTTP status and the
 * region header together.
 */
export function mapS3Error(e: unknown, where: { bucket: string; endpoint: string; region: string }): Error {
  if (e instanceof ApiError) return e;
  const err = (e ?? {}) as SdkError;
  if (err.name === 'AbortError') return e as Error;
  const name = err.name ?? err.code ?? '';
  const status = err.$metadata?.httpStatusCode;
  const at = `bucket "${where.bucket}" at ${where.endpoint}`;

  const netCode = networkCode(e);
  if (netCode || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new ApiError('unreachable', `Cannot reach ${where.endpoint} (${netCode ?? 'timed out'}). Check the endpoint and that the server is running.`);
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
    return new ApiError('no-credentials', `No AWS credentials found for ${at}: choose a profile or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. (${err.message ?? name})`);
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'InvalidToken' || name === 'ExpiredToken' || name === 'TokenRefreshRequired') {
    const why = name === 'SignatureDoesNotMatch' ? 'the secret key is wrong' : name === 'InvalidAccessKeyId' ? 'the access key is unknown to the server' : 'the session token is invalid or expired';
    return new ApiError('bad-credentials', `The server rejected the credentials for ${at}: ${why}.`);
  }
  if (name === 'NoSuchBucket') {
    return new ApiError('no-such-bucket', `There is no bucket "${where.bucket}" at ${where.endpoint}.`);
  }
  const regionHeader = err.$response?.headers?.['x-amz-bucket-region'] ?? err.Region;
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
  return new ApiError('internal', `S3 error from ${at}: ${name || 'unknown'}${status ? ` (HTTP ${status})` : ''}${err.message ? `: ${err.message}` : ''}`);
}
