// The document's shape: Version, Statement, and each statement's keys, Sid and Effect.
import type { Reporter } from '../report';
import { type Statement, isObject } from '../model';
import { closest } from '../suggest';
import type { Json } from '../types';

const topKeys = ['Version', 'Id', 'Statement'];
const statementKeys = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
export const currentVersion = '2012-10-17';

function unknownKey(r: Reporter, id: string, path: (string | number)[], key: string, known: string[]): void {
  const guess = closest(key, known);
  r.add(
    id,
    'error',
    [...path, key],
    guess ? `unknown key "${key}": did you mean "${guess}"?` : `unknown key "${key}": expected ${known.join(', ')}`,
    guess ? { title: `Rename to "${guess}"`, edits: r.renameKey([...path, key], guess) } : undefined,
    { key: true },
  );
}

/** Returns false when the document is not an object (nothing else can be checked). */
export function checkDocument(r: Reporter, doc: Json): boolean {
  if (!isObject(doc)) {
    r.add('policy-not-object', 'error', [], 'a policy is a JSON object with "Version" and "Statement"');
    return false;
  }
  for (const key of Object.keys(doc)) if (!topKeys.includes(key)) unknownKey(r, 'unknown-key', [], key, topKeys);

  const version = doc.Version;
  const setVersion = { title: `Set Version to "${currentVersion}"`, edits: r.set(['Version'], currentVersion) };
  if (version === undefined) {
    r.add('version-missing', 'warning', [], `no "Version": S3 then reads the policy as version 2008-10-17, without policy variables; add "Version": "${currentVersion}"`, setVersion);
  } else if (version === '2008-10-17') {
    r.add('version-old', 'warning', ['Version'], `Version 2008-10-17 is the old policy language (no policy variables such as \${aws:username}); use "${currentVersion}"`, setVersion);
  } else if (version !== currentVersion) {
    r.add('version-invalid', 'error', ['Version'], `Version must be "${currentVersion}" (or the old "2008-10-17"), not ${JSON.stringify(version)}: it is a fixed date, not today's`, setVersion);
  }

  // Policy variables (${aws:username}) are text under the old language.
  if (version !== currentVersion && /\$\{[^}]+\}/.test(JSON.stringify(doc.Statement ?? null))) {
    r.add('policy-variable-old-version', 'warning', version === undefined ? [] : ['Version'], `the policy uses variables such as \${aws:username}, which only Version "${currentVersion}" understands: here they are plain text`, setVersion);
  }

  const statement = doc.Statement;
  if (statement === undefined) {
    r.add('statement-missing', 'error', [], 'the policy has no "Statement"');
  } else if (Array.isArray(statement)) {
    if (statement.length === 0) r.add('statement-empty', 'error', ['Statement'], 'the Statement list is empty: a policy needs at least one statement');
    statement.forEach((s, i) => {
      if (!isObject(s)) r.add('statement-not-object', 'error', ['Statement', i], 'a statement is a JSON object with Effect, Principal, Action and Resource');
    });
  } else if (!isObject(statement)) {
    r.add('statement-not-object', 'error', ['Statement'], 'Statement is a statement object or a list of them');
  }
  return true;
}

export function checkStatementShape(r: Reporter, s: Statement, kind: 'bucket-policy' | 'iam-user-policy' = 'bucket-policy'): void {
  for (const key of Object.keys(s.raw)) if (!statementKeys.includes(key)) unknownKey(r, 'unknown-key', s.path, key, statementKeys);

  if (s.raw.Sid !== undefined && typeof s.raw.Sid !== 'string') r.add('sid-invalid', 'error', [...s.path, 'Sid'], 'Sid must be a string');

  const effect = s.raw.Effect;
  if (effect === undefined) {
    r.add('effect-missing', 'error', s.path, 'the statement has no "Effect" ("Allow" or "Deny")');
  } else if (effect !== 'Allow' && effect !== 'Deny') {
    const meant = typeof effect === 'string' ? ['Allow', 'Deny'].find((e) => e.toLowerCase() === effect.toLowerCase()) : undefined;
    r.add(
      'effect-invalid',
      'error',
      [...s.path, 'Effect'],
      meant ? `Effect is case-sensitive: "${meant}", not ${JSON.stringify(effect)}` : `Effect must be "Allow" or "Deny", not ${JSON.stringify(effect)}`,
      meant ? { title: `Change to "${meant}"`, edits: r.set([...s.path, 'Effect'], meant) } : undefined,
    );
  }

  const pair = (positive: string, negative: string, idMissing: string, idBoth: string, what: string) => {
    const has = s.raw[positive] !== undefined;
    const hasNot = s.raw[negative] !== undefined;
    if (!has && !hasNot) r.add(idMissing, 'error', s.path, `the statement has no "${positive}" (or "${negative}"): ${what}`);
    if (has && hasNot) r.add(idBoth, 'error', [...s.path, negative], `a statement has "${positive}" or "${negative}", not both`);
    for (const key of [positive, negative]) {
      const v = s.raw[key];
      if (v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) r.add('empty-array', 'suggestion', [...s.path, key], `${key} is an empty list: the statement can never apply`);
    }
  };
  if (kind === 'bucket-policy') {
    pair('Principal', 'NotPrincipal', 'principal-missing', 'principal-and-notprincipal', 'a bucket policy names who it applies to ("*" for everyone)');
  } else {
    for (const key of ['Principal', 'NotPrincipal']) {
      if (s.raw[key] !== undefined) r.add('principal-in-iam-policy', 'error', [...s.path, key], `an IAM user policy has no ${key}: it applies to the user it is attached to`, { title: `Remove ${key}`, edits: r.remove([...s.path, key]) }, { key: true });
    }
  }
  pair('Action', 'NotAction', 'action-missing', 'action-and-notaction', 'which S3 actions it allows or denies');
  pair('Resource', 'NotResource', 'resource-missing', 'resource-and-notresource', 'which bucket or objects it is about');

  // Action and Resource take a string or a list of strings.
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    const v = s.raw[key];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        if (typeof x !== 'string') r.add('value-not-string', 'error', [...s.path, key, i], `each ${key} is a string, not ${JSON.stringify(x)}`);
      });
    } else if (typeof v !== 'string') {
      r.add('value-not-string', 'error', [...s.path, key], `${key} is a string or a list of strings`);
    }
  }
}

export function checkSids(r: Reporter, statements: Statement[]): void {
  const seen = new Map<string, number>();
  for (const s of statements) {
    if (s.sid === undefined) continue;
    const first = seen.get(s.sid);
    if (first !== undefined) r.add('sid-duplicate', 'error', [...s.path, 'Sid'], `Sid "${s.sid}" is also the Sid of statement ${first}: Sids must be unique`);
    else seen.set(s.sid, s.index);
  }
}
