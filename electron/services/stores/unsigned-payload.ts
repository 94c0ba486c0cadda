import type { S3Client } from '@aws-sdk/client-s3';

/** The commands that carry a cache's bytes (NARs, narinfos, listings). */
const uploads = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * Over HTTPS, object bodies are sent with `x-amz-content-sha256: UNSIGNED-PAYLOAD`: the request is
 * still signed, its body is not hashed into the signature. TLS already protects the bytes on their
 * way, and the hash costs a SHA-256 pass over every byte pushed, on the main thread (0.6 s per GiB
 * on this project's 2-core test machine), repeated on each retry, and again on the server that checks it. The AWS SDK
 * hashes a body given as bytes (Narwhal's parts and small objects) and skips the hash only for
 * streams. Over plain HTTP (a MinIO or RGW on the local network) the signed hash stays: nothing else
 * guards the body there. This is the AWS CLI's rule; Nix's S3 store never signs payloads.
 */
export function skipPayloadHashOverTls(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { protocol?: string; headers?: Record<string, string> } | undefined;
      if (uploads.has(context.commandName ?? '') && request?.protocol === 'https:' && request.headers) {
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    // After the request is built (its endpoint resolved), before it is signed (finalizeRequest).
    { step: 'build', name: 'narwhalSkipPayloadHashOverTls' },
  );
}
