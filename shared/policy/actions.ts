// Action strings (`s3:Get*`) against the S3 actions AWS documents.
import { actions, type S3Action } from './data/index';
import { wildcardMatch } from './wildcard';

/** The S3 actions an action pattern names (`*` and `s3:*` name all of them). */
export function actionsMatching(pattern: string): S3Action[] {
  if (pattern === '*') return [...actions];
  const colon = pattern.indexOf(':');
  if (colon < 0 || pattern.slice(0, colon).toLowerCase() !== 's3') return [];
  const name = pattern.slice(colon + 1);
  return actions.filter((a) => wildcardMatch(name, a.name, { ignoreCase: true }));
}

/** The S3 actions a statement's Action (or, with `not`, everything but its NotAction) grants. */
export function actionsOf(patterns: readonly string[], not = false): S3Action[] {
  const named = new Set(patterns.flatMap(actionsMatching));
  return not ? actions.filter((a) => !named.has(a)) : [...named];
}
