// The bucket policy checker: every finding with its severity, place, one-line message and, where the
// fix is mechanical, the edit that makes it.
import { checkAccess } from './check/access';
import { checkNix } from './check/nix';
import { checkDocument, checkSids, checkStatementShape } from './check/structure';
import { checkActionResourceTypes, checkActions, checkConditions, checkPrincipals, checkResources, inferBucket } from './check/statement';
import { statementsOf } from './model';
import { parsePolicyText } from './parse';
import { Reporter } from './report';
import type { CheckOptions, Finding, PolicyDocument, Severity } from './types';

export const severityOrder: readonly Severity[] = ['error', 'security', 'warning', 'suggestion'];

export function checkPolicy(text: string, options: CheckOptions = {}): Finding[] {
  const parsed = parsePolicyText(text);
  const r = new Reporter(parsed);
  if (parsed.value === undefined) {
    if (parsed.syntaxErrors.length === 0) r.at('json-syntax', 'error', '$', { offset: 0, length: 0 }, 'the policy is empty');
    for (const e of parsed.syntaxErrors) r.at('json-syntax', 'error', '$', e, e.message);
    return r.findings;
  }
  for (const d of parsed.duplicateKeys) r.add('duplicate-key', 'warning', d.path, `"${d.key}" appears twice in this object; only the last one counts`, undefined, { key: true });
  if (!checkDocument(r, parsed.value)) return sorted(r.findings);
  const statements = statementsOf(parsed.value);
  const bucket = options.bucket ?? inferBucket(statements);
  checkSids(r, statements);
  for (const s of statements) {
    checkStatementShape(r, s, options.kind);
    checkPrincipals(r, s);
    checkActions(r, s);
    checkResources(r, s, bucket);
    checkActionResourceTypes(r, s, bucket, statements);
    checkConditions(r, s);
  }
  // An IAM user policy grants to its user: nothing in it is public, and Nix readiness is the bucket policy's.
  if (options.kind !== 'iam-user-policy') {
    checkAccess(r, statements, options);
    checkNix(r, parsed.value as PolicyDocument, statements, bucket, options);
  }
  return sorted(r.findings);
}

function sorted(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.offset - b.offset || severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity) || a.id.localeCompare(b.id));
}

/** Whether findings make the policy fail a check (the CLI's exit status): errors and security findings. */
export function isFailing(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' || f.severity === 'security');
}
