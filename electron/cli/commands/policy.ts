import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStoreUrl, StoreUrlError } from '../../../shared/caches/store-url';
import {
  type Finding,
  type Intent,
  type SimulationResult,
  PolicySimulationError,
  bucketOfPolicy,
  checkPolicy,
  intents,
  isFailing,
  parsePolicyText,
  simulate,
} from '../../../shared/policy/index';
import { readBucketPolicy } from '../../services/policy/bucket-policy';
import type { CliCommand, CliIO } from '../io';
import { UsageError, expectPositionals, subcommandError, writeLine } from '../io';

const checkUsage = 'usage: narwhal policy check POLICY.json|STORE-URL|- [--bucket NAME] [--intent public-cache|private-cache|uploader] [--principal ARN] [--json]';
const simulateUsage =
  'usage: narwhal policy simulate POLICY.json|- --principal anonymous|ARN --action ACTION --key KEY [--bucket NAME] [--context KEY=VALUE ...] [--json]';

export const policyUsage = [
  checkUsage,
  simulateUsage.replace('usage:', '      '),
  '',
  'check     lists what is wrong with a bucket policy, one finding a line: FILE:LINE:COL SEVERITY ID MESSAGE',
  '          (--json: the findings as a JSON array). A STORE-URL (s3://bucket?endpoint=…) reads the bucket\'s',
  '          policy with the connection\'s credentials. --intent also checks that the policy does what a Nix',
  '          cache needs (public-cache: anyone can read it; private-cache: --principal can read it; uploader:',
  '          --principal can nix copy to it). Exit status: 1 when there is an error or security finding, 0 otherwise.',
  'simulate  evaluates one request as S3 does (explicit deny, then allow, else implicit deny) and prints the',
  '          decision and the statements that decided it. --principal is anonymous (or *) or an ARN (Ceph RGW:',
  '          arn:aws:iam:::user/UID); --key is an object key (bucket actions such as s3:ListBucket act on the bucket);',
  '          --bucket defaults to the bucket the policy names; --context sets request keys, repeatable',
  '          (aws:SecureTransport=true, aws:SourceIp=203.0.113.7, s3:prefix=nar/). Exit status: 0 allowed, 1 denied.',
].join('\n');

export const policy: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    writeLine(io.stdout, policyUsage);
    return 0;
  }
  if (sub === 'check') return check(rest, io);
  if (sub === 'simulate') return simulateCommand(rest, io);
  throw subcommandError('policy', sub, policyUsage);
};

const looksLikeUrl = (text: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);

async function readPolicyFile(source: string, io: CliIO): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }
  return readFile(resolve(io.cwd, source), 'utf8');
}

async function check(argv: string[], io: CliIO): Promise<number> {
  const by = { by: 'narwhal policy check', usage: checkUsage };
  if (argv.includes('--help') || argv.includes('-h')) {
    writeLine(io.stdout, policyUsage);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    options: { bucket: { type: 'string' }, intent: { type: 'string' }, principal: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  expectPositionals(positionals, ['POLICY.json (or a store URL, or - for stdin)'], by);
  const intent = values.intent as Intent | undefined;
  if (intent !== undefined && !intents.includes(intent)) throw new UsageError(`--intent must be one of ${intents.join(', ')}, not "${intent}"`, by);
  const source = positionals[0]!;

  let text: string;
  let label = source === '-' ? 'stdin' : source;
  let bucket = values.bucket;
  if (looksLikeUrl(source)) {
    let config;
    try {
      config = parseStoreUrl(source).config;
    } catch (e) {
      if (e instanceof StoreUrlError) throw new UsageError(e.message, by);
      throw e;
    }
    if (config.kind !== 's3') throw new UsageError(`${source} is not an S3 bucket: only S3 buckets have bucket policies (give an s3:// URL or a policy file)`, by);
    bucket ??= config.bucket;
    label = `s3://${config.bucket}`;
    const state = await readBucketPolicy(config, io.env);
    if (state.state === 'unsupported') {
      writeLine(io.stderr, `narwhal policy check: ${state.message}`);
      return 0;
    }
    if (state.state === 'none') {
      // No policy: only the owner's credentials (and IAM policies) reach the bucket.
      const fails = intent === 'public-cache';
      writeLine(io.stderr, `narwhal policy check: bucket "${config.bucket}" has no policy${fails ? ': anonymous callers cannot read it, so it is not a public cache' : ''}`);
      if (values.json) writeLine(io.stdout, '[]');
      return fails ? 1 : 0;
    }
    text = state.text;
  } else {
    text = await readPolicyFile(source, io);
  }

  const findings = checkPolicy(text, { bucket, intent, principal: values.principal });
  if (values.json) {
    writeLine(io.stdout, JSON.stringify(findings, null, 2));
  } else {
    for (const f of findings) writeLine(io.stdout, `${label}:${f.line}:${f.column} ${f.severity} ${f.id} ${f.message}`);
    writeLine(io.stderr, summary(findings));
  }
  return isFailing(findings) ? 1 : 0;
}

function summary(findings: Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = (['error', 'security', 'warning', 'suggestion'] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return counts.map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'security' ? '' : 's'}`).join(', ');
}

async function simulateCommand(argv: string[], io: CliIO): Promise<number> {
  const by = { by: 'narwhal policy simulate', usage: simulateUsage };
  if (argv.includes('--help') || argv.includes('-h')) {
    writeLine(io.stdout, policyUsage);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      principal: { type: 'string' },
      action: { type: 'string' },
      key: { type: 'string' },
      bucket: { type: 'string' },
      context: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  expectPositionals(positionals, ['POLICY.json (or - for stdin)'], by);
  const missing = (['principal', 'action', 'key'] as const).filter((k) => values[k] === undefined);
  if (missing.length) throw new UsageError(`missing ${missing.map((k) => `--${k} ${k === 'principal' ? 'P' : k === 'action' ? 'ACTION' : 'KEY'}`).join(' and ')}`, by);

  const context: Record<string, string | string[]> = {};
  for (const item of values.context ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context takes KEY=VALUE (e.g. aws:SecureTransport=true), not "${item}"`, by);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    // A key given twice is multi-valued (aws:TagKeys=a --context aws:TagKeys=b).
    const prior = context[key];
    context[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }

  const source = positionals[0]!;
  const text = await readPolicyFile(source, io);
  const parsed = parsePolicyText(text);
  const label = source === '-' ? 'stdin' : source;
  if (parsed.value === undefined) {
    const e = parsed.syntaxErrors[0];
    const at = e ? parsed.lineColumn(e.offset) : { line: 1, column: 1 };
    writeLine(io.stderr, `narwhal policy simulate: ${label}:${at.line}:${at.column}: not valid JSON: ${e?.message ?? 'the file is empty'} (narwhal policy check lists every problem)`);
    return 1;
  }
  const bucket = values.bucket ?? bucketOfPolicy(parsed.value);
  if (!bucket) throw new UsageError(`${label} names no bucket in its resources: give --bucket NAME`, by);
  const action = values.action!.includes(':') ? values.action! : `s3:${values.action}`;

  let result: SimulationResult;
  try {
    result = simulate(text, { principal: values.principal!, action, bucket, key: values.key!, context });
  } catch (e) {
    if (e instanceof PolicySimulationError) throw new UsageError(e.message, by);
    throw e;
  }
  if (values.json) {
    writeLine(io.stdout, JSON.stringify(result, null, 2));
  } else {
    const who = values.principal === '*' || values.principal === 'anonymous' ? 'anonymous' : values.principal!;
    const decision = { allowed: 'allowed', 'explicit-deny': 'denied (explicitly, by a Deny statement)', 'implicit-deny': 'denied (implicitly: no statement allows it)' }[result.decision];
    writeLine(io.stdout, `${decision}: ${action} on ${result.resource} by ${who}`);
    const deciding = result.decision === 'implicit-deny' ? result.statements : result.statements.filter((s) => s.matched && s.effect === (result.decision === 'allowed' ? 'Allow' : 'Deny'));
    for (const s of deciding) {
      writeLine(io.stdout, `  statement ${s.index}${s.sid !== undefined ? ` (${s.sid})` : ''} ${s.effect}: ${s.matched ? 'applies' : 'does not apply'}: ${s.why}`);
    }
  }
  return result.decision === 'allowed' ? 0 : 1;
}
