// The proof that the policy simulator (shared/policy) predicts what a real S3 server enforces. For
// every policy of the corpus: the placeholders are filled in, the policy is put on a bucket by its
// owner, and an anonymous caller and a second RGW user really GET, PUT and LIST. Each answer is
// compared with `simulate` for the same principal, action, resource and request context.
//
// Where Ceph RGW (16.2) departs from AWS's documented evaluation logic, the difference is written
// down in `knownDifferences` with its reason, and asserted: the test fails when RGW starts agreeing
// (the entry is stale) or differs in another way. The checker is never bent to match RGW.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPolicy, PolicySimulationError, simulate } from '../../../shared/policy';
import type { Decision, SimulationRequest } from '../../../shared/policy';
import { injectRgw } from '../../../scripts/testbed/inject';
import type { S3Credentials } from '../../../scripts/testbed/rgw';
import { bucketUrl, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';

const rgw = injectRgw();
const CORPUS_DIR = path.resolve(__dirname, '../../../shared/policy/corpus');

// --- The requests made for each policy ------------------------------------------------------------

const narinfoKey = '0123456789abcdfghijklmnpqrsvwxyz.narinfo';
const narKey = 'nar/0123456789abcdfghijklmnpqrsvwxyz0123456789abcdfghij.nar.xz';
/** Objects the bucket owner writes first; GETs read them (an object written by another user is theirs, not the owner's). */
const ownerObjects = ['nix-cache-info', narinfoKey, narKey];
/** Keys the callers try to write; never read, so whoever owns them afterwards does not matter. */
const putKeys = ['1111111111111111111111111111111a.narinfo', 'nar/1111111111111111111111111111111111111111111111111111.nar.xz'];

type Verb = 'GET' | 'PUT' | 'LIST';
interface Probe {
  verb: Verb;
  /** The object key, or for LIST the prefix ('' for none). */
  key: string;
  action: string;
}
const probes: Probe[] = [
  ...ownerObjects.map((key): Probe => ({ verb: 'GET', key, action: 's3:GetObject' })),
  ...putKeys.map((key): Probe => ({ verb: 'PUT', key, action: 's3:PutObject' })),
  { verb: 'LIST', key: '', action: 's3:ListBucket' },
  { verb: 'LIST', key: 'nar/', action: 's3:ListBucket' },
];
const label = (p: Probe) => (p.verb === 'LIST' ? `LIST${p.key ? ` prefix=${p.key}` : ''}` : `${p.verb} ${p.key}`);

type Caller = 'anonymous' | 'user';
type Verdict = 'allowed' | 'denied';

// --- RGW's known departures from AWS ----------------------------------------------------------------

interface KnownDifference {
  /** The corpus policy (file name without .json). */
  policy: string;
  /** Absent: both callers. */
  caller?: Caller;
  /** The request's label (`GET nix-cache-info`, `LIST prefix=nar/`) or a pattern of labels; absent: every request. */
  request?: string | RegExp;
  simulated: Verdict;
  rgw: Verdict;
  reason: string;
  /**
   * The request context as RGW really builds it, where that is the reason: simulating with it must
   * give RGW's answer, so the reason is checked, not just asserted.
   */
  rgwContext?: (context: Record<string, string | string[]>) => Record<string, string | string[]>;
}

/**
 * RGW builds its IAM environment with aws:SecureTransport only over TLS (set to "true"); on plain
 * HTTP the key is absent rather than "false", as AWS documents it. A Bool "false" condition on an
 * absent key does not match, so the usual HTTPS-only Deny never fires on RGW over HTTP.
 */
const withoutSecureTransport = (context: Record<string, string | string[]>) => {
  const { 'aws:SecureTransport': _, ...rest } = context;
  return rest;
};
const httpsOnlyReason = 'RGW leaves aws:SecureTransport out of the request context on plain HTTP (AWS sets it to "false"), so a Deny on {"Bool": {"aws:SecureTransport": "false"}} never matches there';

/**
 * Policies RGW takes although they are no valid policy by AWS's rules (which the simulator follows:
 * it refuses to evaluate them). They are listed, not compared request by request.
 */
const acceptedButInvalid: Record<string, string> = {
  '12-json-comment': 'RGW parses policies with // comments; AWS refuses them (MalformedPolicy) and so does the checker (a syntax error)',
};

/** Policies RGW refuses although the checker finds no error in them (it warns about both). */
const rejectedButValid: Record<string, string> = {
  '22-duplicate-key': 'RGW refuses a JSON object that names the same key twice (InvalidArgument); the checker warns (one of the values is silently lost)',
  '48-condition-operator-case': 'RGW matches condition operator names case-sensitively and refuses a lower-case one (InvalidArgument); the checker warns',
};

const knownDifferences: KnownDifference[] = [
  // The HTTPS-only Deny beside grants: what the grants allow stays allowed over HTTP on RGW.
  { policy: '06-public-read-and-uploader', caller: 'anonymous', request: /^(GET|LIST)/, simulated: 'denied', rgw: 'allowed', reason: httpsOnlyReason, rgwContext: withoutSecureTransport },
  { policy: '06-public-read-and-uploader', caller: 'user', simulated: 'denied', rgw: 'allowed', reason: httpsOnlyReason, rgwContext: withoutSecureTransport },
  { policy: '63-public-cache-http-denied-to-all', request: /^(GET|LIST)/, simulated: 'denied', rgw: 'allowed', reason: httpsOnlyReason, rgwContext: withoutSecureTransport },
  { policy: 'harness-https-only', request: /^GET /, simulated: 'denied', rgw: 'allowed', reason: httpsOnlyReason, rgwContext: withoutSecureTransport },
  {
    policy: '25-principal-partial-wildcard',
    caller: 'user',
    request: /^GET /,
    simulated: 'allowed',
    rgw: 'denied',
    reason:
      'a wildcard inside a principal ARN (arn:aws:iam:::user/*): AWS refuses such a policy ("Invalid principal") and the checker calls it an error; RGW accepts it and matches the ARN literally, so it grants nobody, while simulate matches it as a wildcard',
  },
  {
    policy: '49-allow-not-action',
    caller: 'user',
    simulated: 'allowed',
    rgw: 'denied',
    reason: 'RGW 16.2 grants nothing through an Allow with NotAction (every request answers 403), where AWS allows every action not listed',
  },
];

// --- Policies of our own, used until (and beside) the shared corpus ------------------------------------

interface CorpusPolicy {
  name: string;
  text: string;
}

const ownPolicies: CorpusPolicy[] = [
  {
    name: 'harness-public-read-list',
    text: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::${BUCKET}', 'arn:aws:s3:::${BUCKET}/*'] }],
    }),
  },
  {
    name: 'harness-uploader',
    text: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Uploader',
          Effect: 'Allow',
          Principal: { AWS: ['${USER_ARN}'] },
          Action: ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListMultipartUploadParts', 's3:PutObject'],
          Resource: ['arn:aws:s3:::${BUCKET}', 'arn:aws:s3:::${BUCKET}/*'],
        },
      ],
    }),
  },
  {
    name: 'harness-https-only',
    text: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${BUCKET}/*' },
        { Sid: 'HttpsOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::${BUCKET}', 'arn:aws:s3:::${BUCKET}/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ],
    }),
  },
  {
    name: 'harness-nar-only-and-prefix-list',
    text: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '${USER_ARN}' }, Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::${BUCKET}/nar/*' },
        { Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::${BUCKET}', Condition: { StringEquals: { 's3:prefix': 'nar/' } } },
        { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::${BUCKET}/*.narinfo' },
      ],
    }),
  },
];

/** The shared corpus (shared/policy/corpus/*.json), when it is there. */
function corpusPolicies(): CorpusPolicy[] {
  if (!fs.existsSync(CORPUS_DIR)) return [];
  return fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), text: fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8') }));
}

// --- Running one policy -----------------------------------------------------------------------------

interface Placeholders {
  BUCKET: string;
  USER_ARN: string;
  USER: string;
  OTHER_BUCKET: string;
}

function fill(policy: CorpusPolicy, values: Placeholders): string {
  const text = policy.text.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => (name in values ? values[name as keyof Placeholders] : whole));
  const left = /\$\{([A-Z_]+)\}/.exec(text);
  if (left) throw new Error(`corpus policy ${policy.name}: unknown placeholder ${left[0]} (known: ${Object.keys(values).join(', ')})`);
  return text;
}

interface Case {
  policy: string;
  /** The simulation's request, to re-simulate a known difference with RGW's context. */
  asked: SimulationRequest;
  text: string;
  caller: Caller;
  request: string;
  simulated: Verdict;
  decision: Decision;
  rgw: Verdict;
  status: number;
}

const verdictOf = (d: Decision): Verdict => (d === 'allowed' ? 'allowed' : 'denied');

/** What RGW answers, as allowed (2xx) or denied (403); anything else fails the test, with its status. */
async function requestFor(client: S3Client | null, bucket: string, probe: Probe): Promise<{ verdict: Verdict; status: number }> {
  const judge = (status: number): { verdict: Verdict; status: number } => {
    if (status >= 200 && status < 300) return { verdict: 'allowed', status };
    if (status === 403) return { verdict: 'denied', status };
    throw new Error(`${label(probe)} on ${bucket} answered HTTP ${status}, neither allowed nor denied`);
  };
  if (client === null) {
    // Anonymous: plain unsigned HTTP, as Nix reads a public cache.
    const url =
      probe.verb === 'LIST' ? `${bucketUrl(rgw, bucket)}?list-type=2${probe.key ? `&prefix=${encodeURIComponent(probe.key)}` : ''}` : bucketUrl(rgw, bucket, probe.key);
    const res = await fetch(url, { method: probe.verb === 'PUT' ? 'PUT' : 'GET', body: probe.verb === 'PUT' ? 'anonymous write' : undefined, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return judge(res.status);
  }
  try {
    const out =
      probe.verb === 'GET'
        ? await client.send(new GetObjectCommand({ Bucket: bucket, Key: probe.key }))
        : probe.verb === 'PUT'
          ? await client.send(new PutObjectCommand({ Bucket: bucket, Key: probe.key, Body: 'user write' }))
          : await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(probe.key ? { Prefix: probe.key } : {}) }));
    if ('Body' in out && out.Body) await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    return judge(out.$metadata.httpStatusCode ?? 200);
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === undefined) throw e;
    return judge(status);
  }
}

/** The request context RGW sees from these callers: plain HTTP from loopback. */
function contextFor(probe: Probe): SimulationRequest['context'] {
  return {
    'aws:SecureTransport': 'false',
    'aws:SourceIp': '127.0.0.1',
    ...(probe.verb === 'LIST' ? { 's3:prefix': probe.key } : {}),
  };
}

// --- The test ------------------------------------------------------------------------------------------

describe('bucket policies: the simulator against RGW enforcement', () => {
  const admin = s3Client(rgw);
  let user: { uid: string; arn: string; creds: S3Credentials; client: S3Client };
  const pool: string[] = [];
  const concurrency = 4;

  beforeAll(async () => {
    const uid = `policy-user-${Date.now().toString(36)}`;
    const creds = await rgw.createUser(uid);
    user = { uid, arn: `arn:aws:iam:::user/${uid}`, creds, client: s3Client(rgw, creds) };
    // One bucket per worker, reused from policy to policy (PutBucketPolicy replaces the last one).
    for (let i = 0; i < concurrency; i++) {
      const bucket = uniqueBucketName(`enforce-${i}`);
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const key of ownerObjects) await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `owner's ${key}` }));
      pool.push(bucket);
    }
  });
  afterAll(() => {
    admin.destroy();
    user?.client.destroy();
  });

  it('every corpus policy RGW accepts: anonymous and a second user, GET, PUT and LIST, as simulated', async () => {
    const t0 = performance.now();
    const corpus = corpusPolicies();
    const policies = [...corpus, ...ownPolicies];
    const rejected: Array<{ policy: string; reason: string; checkerErrors: string[] }> = [];
    const acceptedWithErrors: string[] = [];
    const unsimulatable: Array<{ policy: string; reason: string }> = [];
    const cases: Case[] = [];

    const runPolicy = async (policy: CorpusPolicy, bucket: string) => {
      const text = fill(policy, { BUCKET: bucket, USER_ARN: user.arn, USER: user.uid, OTHER_BUCKET: `${bucket}-other` });
      try {
        await admin.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: text }));
      } catch (e) {
        const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        if (err.$metadata?.httpStatusCode === undefined) throw e;
        const errors = checkPolicy(text, { bucket }).filter((f) => f.severity === 'error');
        rejected.push({ policy: policy.name, reason: `${err.name} (HTTP ${err.$metadata.httpStatusCode})`, checkerErrors: errors.map((f) => f.id) });
        return;
      }
      try {
        simulate(text, { principal: 'anonymous', action: 's3:GetObject', bucket, key: 'nix-cache-info' });
      } catch (e) {
        if (!(e instanceof PolicySimulationError)) throw e;
        unsimulatable.push({ policy: policy.name, reason: e.message });
        return;
      }
      const checked = checkPolicy(text, { bucket });
      if (checked.some((f) => f.severity === 'error')) acceptedWithErrors.push(policy.name);
      // The requests of one policy all at once: they only read the policy, and RGW answers them in parallel.
      const pairs = (['anonymous', 'user'] as const).flatMap((caller) => probes.map((probe) => ({ caller, probe })));
      await Promise.all(
        pairs.map(async ({ caller, probe }) => {
          const request: SimulationRequest = { principal: caller === 'anonymous' ? 'anonymous' : user.arn, action: probe.action, bucket, context: contextFor(probe) };
          if (probe.verb !== 'LIST') request.key = probe.key;
          const decision = simulate(text, request).decision;
          const answer = await requestFor(caller === 'anonymous' ? null : user.client, bucket, probe);
          cases.push({ policy: policy.name, asked: request, text, caller, request: label(probe), simulated: verdictOf(decision), decision, rgw: answer.verdict, status: answer.status });
        }),
      );
    };

    const queue = [...policies];
    await Promise.all(
      pool.map(async (bucket) => {
        for (let policy = queue.shift(); policy; policy = queue.shift()) await runPolicy(policy, bucket);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;

    const known = (c: Case) =>
      knownDifferences.find(
        (d) =>
          d.policy === c.policy &&
          (d.caller === undefined || d.caller === c.caller) &&
          (d.request === undefined || (typeof d.request === 'string' ? d.request === c.request : d.request.test(c.request))),
      );
    const unexplained = cases.filter((c) => c.simulated !== c.rgw && !known(c));
    const changed = cases.filter((c) => {
      const d = known(c);
      return d !== undefined && (c.simulated !== d.simulated || c.rgw !== d.rgw);
    });
    // A difference whose reason is RGW's request context: simulating with that context gives RGW's answer.
    const misexplained = cases.filter((c) => {
      const d = known(c);
      if (!d?.rgwContext || c.simulated === c.rgw) return false;
      return verdictOf(simulate(c.text, { ...c.asked, context: d.rgwContext(c.asked.context ?? {}) }).decision) !== c.rgw;
    });
    const stale = knownDifferences.filter((d) => !cases.some((c) => known(c) === d));
    const differences = cases.filter((c) => c.simulated !== c.rgw);

    console.log(
      [
        `[enforcement] ${policies.length} policies (${corpus.length} from the corpus, ${ownPolicies.length} of the harness): RGW accepted ${policies.length - rejected.length}, rejected ${rejected.length}`,
        ...rejected.map((r) => `  rejected ${r.policy}: ${r.reason}; the checker's errors: ${r.checkerErrors.join(', ') || 'none'}`),
        `[enforcement] accepted by RGW although the checker finds errors (AWS would refuse or ignore parts): ${acceptedWithErrors.sort().join(', ') || 'none'}`,
        ...unsimulatable.map((r) => `  accepted by RGW, invalid for AWS (not simulated): ${r.policy}: ${r.reason}`),
        `[enforcement] ${cases.length} requests compared with simulate; ${differences.length} differ (${knownDifferences.length} known differences); ${seconds.toFixed(1)} s`,
        ...knownDifferences.map((d) => `  known (${d.policy}, ${differences.filter((c) => known(c) === d).length} requests): simulate ${d.simulated}, RGW ${d.rgw}: ${d.reason}`),
        ...differences.filter((c) => !known(c)).map((c) => `  UNEXPLAINED: ${c.policy} ${c.caller} ${c.request}: simulate ${c.decision}, RGW ${c.status}`),
      ].join('\n'),
    );

    expect(cases.length).toBeGreaterThan(0);
    // RGW refuses only policies the checker also finds errors in, but for the listed exceptions.
    expect(Object.fromEntries(rejected.filter((r) => r.checkerErrors.length === 0).map((r) => [r.policy, rejectedButValid[r.policy] ?? `UNEXPLAINED: ${r.reason}`]))).toEqual(rejectedButValid);
    expect(Object.fromEntries(unsimulatable.map((u) => [u.policy, acceptedButInvalid[u.policy] ?? `UNEXPLAINED: ${u.reason}`]))).toEqual(acceptedButInvalid);
    expect(unexplained.map((c) => `${c.policy} ${c.caller} ${c.request}: simulate ${c.decision}, RGW ${c.status}`)).toEqual([]);
    expect(changed.map((c) => `${c.policy} ${c.caller} ${c.request}: now simulate ${c.simulated}, RGW ${c.rgw}`)).toEqual([]);
    expect(misexplained.map((c) => `${c.policy} ${c.caller} ${c.request}: RGW's context does not explain RGW's ${c.rgw}`)).toEqual([]);
    expect(stale.map((d) => `${d.policy} ${d.caller ?? 'anyone'} ${d.request ?? '*'}: RGW no longer differs (${d.reason})`)).toEqual([]);
    // The harness's own policies are all valid S3 policies; RGW must take them.
    expect(rejected.filter((r) => ownPolicies.some((p) => p.name === r.policy))).toEqual([]);
  });
});
