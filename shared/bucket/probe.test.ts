import { describe, expect, it } from 'vitest';
import { anonymousUrl, cacheInfoMeaning, deleteMeaning, missingNarinfoMeaning, s3ErrorCode, writeMeaning, writeTestKey } from './probe';

describe('anonymousUrl', () => {
  it('path style with a custom endpoint (as Nix does), virtual when asked', () => {
    expect(anonymousUrl({ bucket: 'cache', endpoint: 'minio.example.org:9000' }, 'nix-cache-info')).toEqual({ url: 'https://minio.example.org:9000/cache/nix-cache-info', addressing: 'path' });
    expect(anonymousUrl({ bucket: 'cache', endpoint: 'minio.example.org:9000', scheme: 'http' }, 'nar/x.nar.xz').url).toBe('http://minio.example.org:9000/cache/nar/x.nar.xz');
    expect(anonymousUrl({ bucket: 'cache', endpoint: 'http://127.0.0.1:7480/', addressingStyle: 'virtual' }, 'nix-cache-info')).toEqual({ url: 'http://cache.127.0.0.1:7480/nix-cache-info', addressing: 'virtual' });
    expect(anonymousUrl({ bucket: 'cache', endpoint: 'https://gw.example.org/s3', addressingStyle: 'path' }, 'a b').url).toBe('https://gw.example.org/s3/cache/a%20b');
  });

  it('virtual hosting on AWS with the region, path style when asked or when the bucket has dots', () => {
    expect(anonymousUrl({ bucket: 'cache', region: 'eu-west-1' }, 'nix-cache-info')).toEqual({ url: 'https://cache.s3.eu-west-1.amazonaws.com/nix-cache-info', addressing: 'virtual' });
    expect(anonymousUrl({ bucket: 'cache' }, 'nix-cache-info').url).toBe('https://cache.s3.us-east-1.amazonaws.com/nix-cache-info');
    expect(anonymousUrl({ bucket: 'cache', addressingStyle: 'path' }, 'nix-cache-info').url).toBe('https://s3.us-east-1.amazonaws.com/cache/nix-cache-info');
    expect(anonymousUrl({ bucket: 'cache.example.org' }, 'nix-cache-info')).toEqual({ url: 'https://s3.us-east-1.amazonaws.com/cache.example.org/nix-cache-info', addressing: 'path' });
  });
});

describe('s3ErrorCode', () => {
  it('reads the code of an S3 error body', () => {
    expect(s3ErrorCode('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>x</Message></Error>')).toBe('AccessDenied');
    expect(s3ErrorCode('<html>nope</html>')).toBeUndefined();
  });
});

describe('meanings', () => {
  it('nix-cache-info: 200 good, 403 neutral (private caches), 404 and NoSuchBucket bad, region redirects named', () => {
    expect(cacheInfoMeaning({ status: 200 }, 10_000)).toMatchObject({ outcome: 'ok', verdict: 'good' });
    const denied = cacheInfoMeaning({ status: 403, s3Code: 'AccessDenied' }, 10_000);
    expect(denied).toMatchObject({ outcome: 'denied', verdict: 'neutral' });
    expect(denied.meaning).toContain('does not appear to be a binary cache');
    expect(cacheInfoMeaning({ status: 404, s3Code: 'NoSuchKey' }, 10_000)).toMatchObject({ outcome: 'missing', verdict: 'bad' });
    expect(cacheInfoMeaning({ status: 404, s3Code: 'NoSuchBucket' }, 10_000)).toMatchObject({ outcome: 'no-such-bucket' });
    expect(cacheInfoMeaning({ status: 301, s3Code: 'PermanentRedirect' }, 10_000).meaning).toContain('another region');
    expect(cacheInfoMeaning({ status: 400, s3Code: 'AuthorizationHeaderMalformed' }, 10_000).outcome).toBe('redirect');
    expect(cacheInfoMeaning({ status: 500, s3Code: 'InternalError' }, 10_000)).toMatchObject({ outcome: 'unexpected', verdict: 'bad' });
    expect(cacheInfoMeaning({ failure: { kind: 'timeout', message: '' } }, 8_000).meaning).toMatch(/^No answer within 8 s\./);
    expect(cacheInfoMeaning({ failure: { kind: 'unreachable', message: 'Could not connect to h: ECONNREFUSED' } }, 8_000).meaning).toMatch(/^Could not connect to h: ECONNREFUSED\./);
  });

  it('a miss: 404 good, 403 a concern that names ListBucket, 200 bad', () => {
    expect(missingNarinfoMeaning({ status: 404, s3Code: 'NoSuchKey' }, 1)).toMatchObject({ outcome: 'missing', verdict: 'good' });
    const denied = missingNarinfoMeaning({ status: 403 }, 1);
    expect(denied).toMatchObject({ outcome: 'denied', verdict: 'concern' });
    expect(denied.meaning).toContain('Nix treats 403 like 404');
    expect(denied.meaning).toContain('s3:ListBucket');
    expect(missingNarinfoMeaning({ status: 200 }, 1)).toMatchObject({ outcome: 'ok', verdict: 'bad' });
  });

  it('the write test', () => {
    expect(writeMeaning({ status: 200 }, 1)).toMatchObject({ outcome: 'ok', verdict: 'good' });
    expect(writeMeaning({ failure: { kind: 'denied', message: 'Access denied to s3://b' } }, 1).meaning).toContain('Access denied to s3://b');
    expect(writeMeaning({ status: 403, s3Code: 'AccessDenied' }, 1)).toMatchObject({ outcome: 'denied', verdict: 'bad' });
    expect(writeMeaning({ status: 403, s3Code: 'SignatureDoesNotMatch' }, 1)).toMatchObject({ outcome: 'bad-credentials', meaning: expect.stringContaining('wrong secret key') });
    expect(deleteMeaning({ status: 204 }, 1, 'k')).toMatchObject({ outcome: 'ok', verdict: 'good' });
    expect(deleteMeaning({ status: 403 }, 1, 'narwhal-write-test/x.txt').meaning).toContain('narwhal-write-test/x.txt stays in the bucket');
  });

  it('write-test keys are dated, random and outside what Nix reads', () => {
    expect(writeTestKey(new Date('2026-12-03T21:00:00.123Z'), 'abcd1234')).toBe('narwhal-write-test/2026-12-03T21-00-00-123Z-abcd1234.txt');
  });
});
