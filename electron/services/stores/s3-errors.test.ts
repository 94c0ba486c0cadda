import { describe, expect, it } from 'vitest';
import { mapS3Error } from './s3-errors';

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
    [sdkError('SlowDown', 503), 'internal', /SlowDown \(HTTP 503\)/],
  ])('%s → %s', (error, code, message) => {
    const mapped = mapS3Error(error, where) as Error & { code: string };
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
  });
});
