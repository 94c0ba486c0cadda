// AWS's evaluation of one request against a bucket policy (same account, no IAM policies): an
// explicit Deny wins, then any Allow, otherwise the implicit deny. A statement applies when its
// principal, action, resource and every condition match.
import { bucketArn, objectArn, parseArn } from './arn';
import { evaluateCondition, parseOperator } from './conditions';
import { s3Action } from './data/index';
import { type Located, type PrincipalEntry, type Statement, isObject, isWildcardPrincipal, statementsOf } from './model';
import { parsePolicyText } from './parse';
import type { Json, PolicyDocument, SimulationRequest, SimulationResult, StatementVerdict } from './types';
import { wildcardMatch } from './wildcard';

export class PolicySimulationError extends Error {
  override name = 'PolicySimulationError';
}

export const isAnonymous = (principal: string) => principal === 'anonymous' || principal === '*';

/** The resource ARN of a request: given, or built from bucket and key by the action's resource type. */
export function requestResource(request: Pick<SimulationRequest, 'action' | 'resource' | 'bucket' | 'key'>): string {
  if (request.resource) return request.resource;
  if (!request.bucket) throw new PolicySimulationError('the request needs a resource ARN, or a bucket (and a key for object actions)');
  const name = request.action.replace(/^s3:/i, '');
  const action = s3Action(name);
  const objectLevel = action ? action.kinds.includes('object') : request.key !== undefined;
  if (objectLevel) {
    if (request.key === undefined || request.key === '') throw new PolicySimulationError(`${request.action} acts on an object: the request needs a key`);
    return objectArn(request.bucket, request.key);
  }
  return bucketArn(request.bucket);
}

/** The request context with what the principal implies (aws:PrincipalArn, aws:username) filled in. */
function contextOf(request: SimulationRequest): Map<string, string[]> {
  const ctx = new Map<string, string[]>();
  for (const [k, v] of Object.entries(request.context ?? {})) ctx.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  if (!isAnonymous(request.principal)) {
    if (!ctx.has('aws:principalarn')) ctx.set('aws:principalarn', [request.principal]);
    const user = /:user\/(?:.*\/)?([^/]+)$/.exec(request.principal);
    if (user && !ctx.has('aws:username')) ctx.set('aws:username', [user[1]!]);
    const arn = parseArn(request.principal);
    if (arn?.account && !ctx.has('aws:principalaccount')) ctx.set('aws:principalaccount', [arn.account]);
  }
  return ctx;
}

/**
 * Policy variables (`${aws:username}`, and the escapes `${*}`, `${?}`, `${$}`) in a resource or a
 * condition value; undefined when a variable is absent from the request (the string then matches
 * nothing). Only policies of Version 2012-10-17 have variables.
 */
function substitute(text: string, ctx: Map<string, string[]>, enabled: boolean): string | undefined {
  if (!enabled || !text.includes('${')) return text;
  let missing = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name === '*' || name === '?' || name === '$') return name === '$' ? '$' : `\uE000${name}`;
    const [key, fallback] = name.split(/\s*,\s*/);
    const v = ctx.get(key!.toLowerCase())?.[0];
    if (v !== undefined) return v.replace(/[*?]/g, (c) => `\uE000${c}`);
    const def = fallback?.match(/^'(.*)'$/)?.[1];
    if (def !== undefined) return def;
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

/** A wildcard match where `\0*` and `\0?` stand for literal characters (escaped or substituted). */
function matchWithLiterals(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (!pattern.includes('\uE000')) return wildcardMatch(pattern, value, { ignoreCase });
  const literal = pattern.split(/\uE000([*?])/);
  const re = literal.map((part, i) => (i % 2 ? `\\${part}` : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'))).join('');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's').test(value);
}

function principalMatches(entries: PrincipalEntry[], principal: string): PrincipalEntry | undefined {
  const anonymous = isAnonymous(principal);
  const caller = parseArn(principal);
  return entries.find((p) => {
    if (isWildcardPrincipal(p)) return true;
    if (anonymous || p.type !== 'AWS') return false;
    // An account (its id, or its root ARN) stands for every principal of that account.
    const account = /^\d{12}$/.test(p.value) ? p.value : /^arn:[^:]+:iam::(\d{12}):root$/.exec(p.value)?.[1];
    if (account !== undefined) return caller?.account === account;
    return wildcardMatch(p.value, principal);
  });
}

function listMatch(list: Located<string>[], value: string, ignoreCase: boolean, ctx: Map<string, string[]>, variables: boolean): Located<string> | undefined {
  return list.find((item) => {
    const pattern = substitute(item.value, ctx, variables);
    return pattern !== undefined && matchWithLiterals(pattern, value, ignoreCase);
  });
}

function evaluateStatement(s: Statement, request: SimulationRequest, resource: string, ctx: Map<string, string[]>, variables: boolean): StatementVerdict {
  const effect = s.effect === 'Deny' ? 'Deny' : 'Allow';
  const verdict = (matched: boolean, why: string): StatementVerdict => ({ ...(s.sid !== undefined ? { sid: s.sid } : {}), index: s.index, effect, matched, why });
  const who = isAnonymous(request.principal) ? 'an anonymous caller' : request.principal;

  if (s.effect !== 'Allow' && s.effect !== 'Deny') return verdict(false, `Effect is ${JSON.stringify(s.raw.Effect ?? null)}, neither Allow nor Deny: the statement is ignored`);
  if (s.principal) {
    const hit = principalMatches(s.principal, request.principal);
    if (!hit) return verdict(false, `Principal does not include ${who}`);
  } else if (s.notPrincipal) {
    const hit = principalMatches(s.notPrincipal, request.principal);
    if (hit) return verdict(false, `NotPrincipal excludes ${who} (${hit.value})`);
  } else {
    return verdict(false, 'the statement has no Principal');
  }

  const action = request.action;
  if (s.action) {
    if (!listMatch(s.action, action, true, ctx, false)) return verdict(false, `Action does not include ${action}`);
  } else if (s.notAction) {
    const hit = listMatch(s.notAction, action, true, ctx, false);
    if (hit) return verdict(false, `NotAction excludes ${action} (${hit.value})`);
  } else {
    return verdict(false, 'the statement has no Action');
  }

  if (s.resource) {
    if (!listMatch(s.resource, resource, false, ctx, variables)) return verdict(false, `Resource does not include ${resource}`);
  } else if (s.notResource) {
    const hit = listMatch(s.notResource, resource, false, ctx, variables);
    if (hit) return verdict(false, `NotResource excludes ${resource} (${hit.value})`);
  } else {
    return verdict(false, 'the statement has no Resource');
  }

  const reasons: string[] = [];
  for (const c of s.conditions) {
    const operator = parseOperator(c.operator);
    if (!operator) return verdict(false, `condition operator ${c.operator} is unknown: the condition cannot hold`);
    const values = c.values.map((v) => substitute(v, ctx, variables)).filter((v): v is string => v !== undefined);
    const outcome = evaluateCondition(operator, c.key, values, ctx.get(c.key.toLowerCase()));
    if (!outcome.matched) return verdict(false, `condition not met: ${outcome.why}`);
    reasons.push(outcome.why);
  }
  const base = `${s.principal ? 'Principal' : 'NotPrincipal'}, ${s.action ? 'Action' : 'NotAction'} and ${s.resource ? 'Resource' : 'NotResource'} match`;
  return verdict(true, reasons.length ? `${base}; ${reasons.join('; ')}` : base);
}

/** Evaluates one request against a policy (its text or its parsed document). */
export function simulate(policy: PolicyDocument | string, request: SimulationRequest): SimulationResult {
  let document: Json | undefined = policy as Json;
  if (typeof policy === 'string') {
    const parsed = parsePolicyText(policy);
    if (parsed.value === undefined) {
      const e = parsed.syntaxErrors[0];
      const at = e ? parsed.lineColumn(e.offset) : { line: 1, column: 1 };
      throw new PolicySimulationError(`the policy is not valid JSON (${at.line}:${at.column}: ${e?.message ?? 'empty'})`);
    }
    document = parsed.value;
  }
  if (!isObject(document)) throw new PolicySimulationError('the policy is not a JSON object');
  const resource = requestResource(request);
  const ctx = contextOf(request);
  const variables = document.Version === '2012-10-17';
  const statements = statementsOf(document).map((s) => evaluateStatement(s, request, resource, ctx, variables));
  const decision = statements.some((v) => v.matched && v.effect === 'Deny')
    ? 'explicit-deny'
    : statements.some((v) => v.matched && v.effect === 'Allow')
      ? 'allowed'
      : 'implicit-deny';
  return { decision, resource, statements };
}
