import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import { isRetryableS3Error, mapS3Error } from './s3-errors';

// The shapes below are what @aws-sdk/client-s3 throws (name, $metadata, $response headers); the
// integration tests produce most of them from a real RGW, these cover the answers only AWS gives.
const where = { bucket: 'cache', endpoint: 'https://s3.amazonaws.com', region: 'us-east-1' };
const sdkError = (name: string, status: number, extra: object = {}) => Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('mapS3Error', () => {
  it.each([
    [sdkError('InvalidAccessKeyId', 403), 'bad-credentials', /access key is unknown/],
    [sdkError('SignatureDoesNotMatch', 403), 'bad-credentials', /secret key is wrong/],
    [sdkError('ExpiredToken', 400), 'bad-credentials', /expired/],
    [sdkError('NoSuchBucket', 404), 'no-such-bucket', /There is no bucket "cache"/],
    [sdkError('PermanentRedirect', 301, { $response: { headers: { 'x-amz-bucket-region': 'eu-central-1' } } }), 'wrong-region', /is in region eu-central-1, not us-east-1/],
    [sdkError('AuthorizationHeaderMalformed', 400, { Region: 'ap-south-1' }), 'wrong-region', /Set the region to ap-south-1/],
    [sdkError('Unknown', 301), 'wrong-region', /did not say which region/],
    [sdkError('AccessDenied', 403), 'access-denied', /policy does not allow/],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unreachable', /Cannot reach .*ECONNREFUSED/],
    [Object.assign(new Error('fetch failed'), { cause: { code: 'ENOTFOUND' } }), 'unreachable', /ENOTFOUND/],
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'no-credentials', /choose a profile/],
    [sdkError('SlowDown', 503), 'throttled', /is throttling requests to bucket "cache" at https:\/\/s3.amazonaws.com \(SlowDown, HTTP 503\)/],
    [sdkError('TooManyRequests', 429), 'throttled', /throttling/],
    [sdkError('InternalError', 500), 'internal', /InternalError \(HTTP 500\)/],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'unreachable', /ECONNRESET/],
    // What the SDK throws when a web server answers with its HTML page.
    [
      sdkError('Error', 404, {
        message: '@aws-sdk XML parse error: mismatched tags <meta> and </head>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
        $response: { statusCode: 404, headers: { 'content-type': 'text/html' } },
      }),
      'not-s3',
      /^https:\/\/s3.amazonaws.com does not speak S3: it answered with an HTML page \(HTTP 404\)\./,
    ],
    [sdkError('NotFound', 404, { $response: { statusCode: 404, headers: {} } }), 'not-s3', /an empty 404/],
    // A bodiless 403 from S3 (HEAD) stays access-denied; S3Store asks again to learn the real cause.
    [sdkError('Unknown', 403, { $response: { statusCode: 403, headers: { 'x-amz-request-id': 'tx1' } } }), 'access-denied', /Access denied/],
  ])('%s → %s', (error, code, message) => {
    const mapped = mapS3Error(error, where) as Error & { code: string };
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
  });
});

describe('isRetryableS3Error', () => {
  it.each([
    [sdkError('SlowDown', 503), true],
    [sdkError('ThrottlingException', 400), true],
    [sdkError('Unknown', 429), true],
    [sdkError('InternalError', 500), true],
    [sdkError('Unknown', 502), true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), true],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), false],
    [sdkError('NoSuchKey', 404), false],
    [sdkError('AccessDenied', 403), false],
    [sdkError('SignatureDoesNotMatch', 403), false],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), false],
    [new ApiError('bad-format', 'too large'), false],
  ])('%s → %s', (error, expected) => expect(isRetryableS3Error(error)).toBe(expected));
});
