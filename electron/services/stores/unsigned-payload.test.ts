import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { skipPayloadHashOverTls } from './unsigned-payload';

/**
 * A client whose requests stop at its HTTP handler, signed as they would have been sent: this checks
 * what the SDK's signer did with our middleware, not a server (the integration tests send to RGW).
 */
function capturingClient(endpoint: string) {
  const sent: { method: string; headers: Record<string, string> }[] = [];
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    requestHandler: {
      handle: async (request: { method: string; headers: Record<string, string> }) => {
        sent.push({ method: request.method, headers: { ...request.headers } });
        return { response: { statusCode: 200, headers: { etag: '"e"' }, body: Readable.from([]) } };
      },
    },
  });
  skipPayloadHashOverTls(client);
  return { client, sent };
}

const body = Buffer.from('a part of a NAR');
const bodyHash = createHash('sha256').update(body).digest('hex');

describe('skipPayloadHashOverTls', () => {
  it('sends PutObject and UploadPart bodies unhashed (UNSIGNED-PAYLOAD, a signed header) over HTTPS', async () => {
    const { client, sent } = capturingClient('https://s3.example.test');
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'nar/x.nar.zst', Body: body }));
    await client.send(new UploadPartCommand({ Bucket: 'b', Key: 'nar/y.nar.zst', UploadId: 'u', PartNumber: 1, Body: body }));
    expect(sent.map((r) => r.headers['x-amz-content-sha256'])).toEqual(['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD']);
    for (const r of sent) expect(r.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
  });

  it('keeps the signed body hash over plain HTTP, where nothing else guards the bytes', async () => {
    const { client, sent } = capturingClient('http://127.0.0.1:7480');
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'nar/x.nar.zst', Body: body }));
    await client.send(new UploadPartCommand({ Bucket: 'b', Key: 'nar/y.nar.zst', UploadId: 'u', PartNumber: 1, Body: body }));
    expect(sent.map((r) => r.headers['x-amz-content-sha256'])).toEqual([bodyHash, bodyHash]);
  });

  it('leaves other requests as the SDK makes them', async () => {
    const { client, sent } = capturingClient('https://s3.example.test');
    await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'nix-cache-info' }));
    expect(sent[0]!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('').digest('hex'));
  });
});
