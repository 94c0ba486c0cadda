import { z } from 'zod';
import type { S3Config } from '../caches/config';

/**
 * The live probe of an S3 cache: what an anonymous client (a Nix machine with the bucket as an
 * http(s) substituter) and the connection's own credentials really get, beside what the bucket
 * policy's static findings predict. The requests are made by electron/services/bucket/probe.ts; what
 * each answer means, and where it contradicts the findings, is decided here, as pure code.
 */

export const probeStepIds = ['anonymous-cache-info', 'anonymous-missing-narinfo', 'write-put', 'write-delete'] as const;
export type ProbeStepId = (typeof probeStepIds)[number];

export const probeOutcomes = ['ok', 'denied', 'bad-credentials', 'missing', 'no-such-bucket', 'redirect', 'unexpected', 'timeout', 'unreachable', 'error', 'skipped'] as const;
export type ProbeOutcome = (typeof probeOutcomes)[number];

export const probeStepSchema = z.object({
  id: z.enum(probeStepIds),
  /** "Anonymous GET", "PUT with the connection's credentials". */
  request: z.string(),
  method: z.enum(['GET', 'PUT', 'DELETE']),
  /** The URL asked anonymously, or the key written with credentials. */
  target: z.string(),
  principal: z.enum(['anonymous', 'connection']),
  status: z.number().int().optional(),
  /** S3's error code from the answer's body (AccessDenied, NoSuchKey, NoSuchBucket...). */
  s3Code: z.string().optional(),
  outcome: z.enum(probeOutcomes),
  /** What the answer means for a Nix client, in one or two sentences. */
  meaning: z.string(),
  /** Whether the answer is what a working cache of this kind wants: good, a concern, or bad. */
  verdict: z.enum(['good', 'concern', 'bad', 'neutral']),
  elapsedMs: z.number(),
});
export type ProbeStep = z.output<typeof probeStepSchema>;

export const probeResultSchema = z.object({
  steps: z.array(probeStepSchema),
  /** How the anonymous requests addressed the bucket, as the cache's configuration says. */
  addressing: z.enum(['path', 'virtual']),
  /** The temporary key the write test used. */
  writeKey: z.string(),
  /** Per-request deadline, in ms. */
  deadlineMs: z.number(),
  at: z.string(),
});
export type ProbeResult = z.output<typeof probeResultSchema>;

// --- Addressing ------------------------------------------------------------------------------------

/**
 * Where an anonymous client reads `key`, addressed as the cache's configuration says: Nix (and
 * Narwhal's S3 client) use path style with a custom endpoint unless virtual hosting is asked for,
 * virtual hosting on AWS. A bucket with dots cannot be a TLS host name, so it stays path style there
 * (as the AWS SDK does).
 */
export function anonymousUrl(config: Pick<S3Config, 'bucket' | 'endpoint' | 'scheme' | 'region' | 'addressingStyle'>, key: string): { url: string; addressing: 'path' | 'virtual' } {
  const encodedKey = key.split('/').map(encodeURIComponent).join('/');
  let protocol: string;
  let host: string;
  let basePath = '';
  if (config.endpoint) {
    const full = /^[a-z]+:\/\//i.test(config.endpoint) ? config.endpoint : `${config.scheme ?? 'https'}://${config.endpoint}`;
    const m = /^([a-z]+):\/\/([^/?#]+)([^?#]*)/i.exec(full);
    if (!m) throw new Error(`Endpoint ${JSON.stringify(config.endpoint)} is not a host or URL.`);
    protocol = m[1]!.toLowerCase();
    host = m[2]!;
    basePath = m[3]!.replace(/\/+$/, '');
  } else {
    protocol = 'https';
    host = `s3.${config.region || 'us-east-1'}.amazonaws.com`;
  }
  const virtualAsked = config.endpoint ? config.addressingStyle === 'virtual' : config.addressingStyle !== 'path';
  const virtual = virtualAsked && !(config.bucket.includes('.') && protocol === 'https');
  if (virtual) return { url: `${protocol}://${config.bucket}.${host}${basePath}/${encodedKey}`, addressing: 'virtual' };
  return { url: `${protocol}://${host}${basePath}/${encodeURIComponent(config.bucket)}/${encodedKey}`, addressing: 'path' };
}

/** The S3 error code in an error answer's XML body (`<Code>AccessDenied</Code>`), if there is one. */
export function s3ErrorCode(body: string): string | undefined {
  return /<Code>([A-Za-z0-9.]+)<\/Code>/.exec(body)?.[1];
}

// --- What each answer means ------------------------------------------------------------------------

export interface ProbeAnswer {
  status?: number;
  s3Code?: string;
  /** Set when no HTTP answer came: the deadline passed, or the connection failed (with the reason). */
  failure?: { kind: 'timeout' | 'unreachable' | 'denied' | 'error'; message: string };
}

export interface Meaning {
  outcome: ProbeOutcome;
  meaning: string;
  verdict: ProbeStep['verdict'];
}

/** S3 codes that refuse the credentials themselves, not the permission. */
const credentialCodes = new Set(['SignatureDoesNotMatch', 'InvalidAccessKeyId', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired']);

function outcomeOf(answer: ProbeAnswer): ProbeOutcome {
  if (answer.failure) return answer.failure.kind;
  const s = answer.status ?? 0;
  if (s >= 200 && s < 300) return 'ok';
  if (answer.s3Code && credentialCodes.has(answer.s3Code)) return 'bad-credentials';
  if (s === 403) return 'denied';
  if (s === 404) return answer.s3Code === 'NoSuchBucket' ? 'no-such-bucket' : 'missing';
  if (s >= 300 && s < 400) return 'redirect';
  // AWS answers a request to the wrong region's endpoint with 400 or 301 and a redirect code.
  if (s === 400 && /Redirect|AuthorizationHeaderMalformed|IllegalLocationConstraint/.test(answer.s3Code ?? '')) return 'redirect';
  return 'unexpected';
}

const nobody = 'no answer';
function noAnswer(answer: ProbeAnswer, deadlineMs: number): string {
  return answer.failure?.kind === 'timeout' ? `No answer within ${Math.round(deadlineMs / 1000)} s.` : `${answer.failure?.message ?? nobody}.`;
}

/** What an anonymous GET of nix-cache-info means to a Nix client using the bucket as an http(s) substituter. */
export function cacheInfoMeaning(answer: ProbeAnswer, deadlineMs: number): Meaning {
  const outcome = outcomeOf(answer);
  switch (outcome) {
    case 'ok':
      return { outcome, verdict: 'good', meaning: 'Anyone can read nix-cache-info: Nix accepts this URL as a substituter without credentials.' };
    case 'denied':
      return {
        outcome,
        verdict: 'neutral',
        meaning:
          'Anonymous reads are refused. Right for a private cache (clients read it as s3:// with credentials); as a public substituter Nix cannot use it: Nix 2.8 says the URL "does not appear to be a binary cache", newer Nix fails with HTTP error 403.',
      };
    case 'missing':
      return { outcome, verdict: 'bad', meaning: 'The bucket answers but has no nix-cache-info: Nix says the URL "does not appear to be a binary cache". Initialise the cache.' };
    case 'no-such-bucket':
      return { outcome, verdict: 'bad', meaning: 'The endpoint has no bucket of this name (NoSuchBucket).' };
    case 'redirect':
      return { outcome, verdict: 'bad', meaning: `The endpoint redirects (HTTP ${answer.status}${answer.s3Code ? `, ${answer.s3Code}` : ''}): the bucket is probably in another region than the connection says. Nix does not follow S3's redirects.` };
    case 'unexpected':
      return { outcome, verdict: 'bad', meaning: `Unexpected answer HTTP ${answer.status}${answer.s3Code ? ` (${answer.s3Code})` : ''}: Nix treats it as an error and, with fallback on, disables the cache for a minute.` };
    default:
      return { outcome, verdict: 'bad', meaning: `${noAnswer(answer, deadlineMs)} Nix would wait and then fail the same way.` };
  }
}

/** What an anonymous GET of a narinfo no cache can hold means: how a miss looks to clients. */
export function missingNarinfoMeaning(answer: ProbeAnswer, deadlineMs: number): Meaning {
  const outcome = outcomeOf(answer);
  switch (outcome) {
    case 'missing':
      return { outcome, verdict: 'good', meaning: 'A miss answers 404: Nix takes it as "not in this cache" and asks the next substituter. As it should be.' };
    case 'denied':
      return {
        outcome,
        verdict: 'concern',
        meaning:
          'A miss answers 403, because anonymous callers may not list the bucket. Nix treats 403 like 404 for narinfos, so substitution still works, but a refused read and a missing path look the same (a policy that blocks narinfos goes unnoticed) and other clients report errors. Granting s3:ListBucket makes misses 404.',
      };
    case 'ok':
      return { outcome, verdict: 'bad', meaning: 'A narinfo that cannot exist was served: something in front of the bucket answers every key (a website endpoint or proxy?). Nix would try to parse it.' };
    case 'no-such-bucket':
      return { outcome, verdict: 'bad', meaning: 'The endpoint has no bucket of this name (NoSuchBucket).' };
    case 'redirect':
      return { outcome, verdict: 'bad', meaning: `The endpoint redirects (HTTP ${answer.status}): wrong region or endpoint.` };
    case 'unexpected':
      return { outcome, verdict: 'bad', meaning: `Unexpected answer HTTP ${answer.status}${answer.s3Code ? ` (${answer.s3Code})` : ''}: Nix treats it as an error, not as a miss.` };
    default:
      return { outcome, verdict: 'bad', meaning: noAnswer(answer, deadlineMs) };
  }
}

/** What the authenticated PUT of the test object means for pushes. */
export function writeMeaning(answer: ProbeAnswer, deadlineMs: number): Meaning {
  const outcome = outcomeOf(answer);
  if (outcome === 'ok') return { outcome, verdict: 'good', meaning: "The connection's credentials can write objects: pushes can upload." };
  if (outcome === 'denied') return { outcome, verdict: 'bad', meaning: `The connection's credentials may not write (${answer.failure?.message ?? 'AccessDenied'}): a push fails. The uploader needs s3:PutObject on the bucket's objects.` };
  if (outcome === 'no-such-bucket') return { outcome, verdict: 'bad', meaning: 'There is no such bucket: initialise the cache first.' };
  if (outcome === 'bad-credentials') {
    return { outcome, verdict: 'bad', meaning: `The server refuses the connection's credentials themselves (${answer.s3Code}): a wrong secret key, an unknown access key or an expired token. Fix the profile or keys.` };
  }
  return { outcome, verdict: 'bad', meaning: answer.failure ? noAnswer(answer, deadlineMs) : `Unexpected answer HTTP ${answer.status}.` };
}

/** What the DELETE of the test object means; `key` is named so a leftover can be removed by hand. */
export function deleteMeaning(answer: ProbeAnswer, deadlineMs: number, key: string): Meaning {
  const outcome = outcomeOf(answer);
  if (outcome === 'ok') return { outcome, verdict: 'good', meaning: 'The test object was deleted again; garbage collection can delete too.' };
  if (outcome === 'denied') {
    return { outcome, verdict: 'concern', meaning: `The test object could not be deleted (no s3:DeleteObject): ${key} stays in the bucket, delete it by hand. Pushes work; garbage collection would not.` };
  }
  return { outcome, verdict: 'bad', meaning: `${answer.failure ? noAnswer(answer, deadlineMs) : `Unexpected answer HTTP ${answer.status}.`} ${key} may be left in the bucket.` };
}

export const skippedDelete = (): Meaning => ({ outcome: 'skipped', verdict: 'neutral', meaning: 'Not tried: nothing was written.' });

/** A narinfo key no cache holds in practice (a legal hash of all zeros), asked as a client asks for a miss. */
export const impossibleNarinfoKey = '00000000000000000000000000000000.narinfo';

/** The temporary key of a write test: clearly Narwhal's, dated, never a key Nix reads. */
export function writeTestKey(now: Date, random: string): string {
  return `narwhal-write-test/${now.toISOString().replace(/[:.]/g, '-')}-${random}.txt`;
}
