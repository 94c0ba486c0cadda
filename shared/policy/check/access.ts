// Who can do what: public access by S3's definition, and grants that let a principal rewrite the
// bucket's permissions (privilege escalation).
import { actionsOf } from '../actions';
import { parseArn, s3KindsOf } from '../arn';
import { parseCidr } from '../ip';
import { parseOperator } from '../conditions';
import type { S3Action } from '../data/index';
import { type Statement, isWildcardPrincipal } from '../model';
import type { PathSegment } from '../parse';
import type { Reporter } from '../report';
import type { CheckOptions } from '../types';
import { hasWildcard } from '../wildcard';

/** Keys that, pinned to fixed values, make a grant to "*" not public (S3's "meaning of public"). */
const pinningKeys = new Set(
  ['aws:SourceIp', 'aws:SourceArn', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:SourceOwner', 'aws:SourceAccount', 'aws:PrincipalOrgID', 'aws:userid', 's3:DataAccessPointArn', 's3:DataAccessPointAccount'].map((k) =>
    k.toLowerCase(),
  ),
);

/** Whether a condition entry pins the grant to fixed values of such a key. */
function pins(c: Statement['conditions'][number]): boolean {
  if (!pinningKeys.has(c.key.toLowerCase()) || c.values.length === 0) return false;
  const op = parseOperator(c.operator);
  // IfExists and ForAllValues hold when the key is absent; negated operators hold for most values.
  if (!op || op.ifExists || op.setQualifier === 'ForAllValues' || op.base.negated) return false;
  if (c.key.toLowerCase() === 'aws:sourceip') {
    if (op.base.family !== 'IpAddress') return false;
    return c.values.every((v) => {
      const cidr = parseCidr(v);
      return !!cidr && cidr.prefix >= (cidr.version === 4 ? 8 : 32);
    });
  }
  if (op.base.family !== 'String' && op.base.family !== 'Arn') return false;
  return c.values.every((v) => !hasWildcard(v));
}

/** Whether an Allow statement is public: to everyone (or everyone but some) and not pinned by a condition. */
export function isPublicGrant(s: Statement): boolean {
  if (s.effect !== 'Allow') return false;
  const toEveryone = s.principal ? s.principal.some(isWildcardPrincipal) : s.notPrincipal !== undefined;
  return toEveryone && !s.conditions.some(pins);
}

export const isAclAction = (a: S3Action) => /acl$/i.test(a.name);
export const isPermissionsAction = (a: S3Action) => a.accessLevel.includes('Permissions management');
export const isDeleteAction = (a: S3Action) => a.name.startsWith('Delete') && !isPermissionsAction(a);
export const isWriteAction = (a: S3Action) => a.accessLevel.includes('Write') && !isPermissionsAction(a) && !isDeleteAction(a);
const isReadAction = (a: S3Action) => a.accessLevel === 'Read' || a.accessLevel === 'List';

/** The actions a statement grants on some resource it names (GetObject on the bucket ARN grants nothing). */
function grantedActions(s: Statement): S3Action[] {
  const named = s.action ? actionsOf(s.action.map((a) => a.value)) : s.notAction ? actionsOf(s.notAction.map((a) => a.value), true) : [];
  if (!s.resource) return named;
  const kinds = new Set<string>();
  for (const { value } of s.resource) {
    const arn = value === '*' ? undefined : parseArn(value);
    if (value === '*') ['bucket', 'object', 'any'].forEach((k) => kinds.add(k));
    else if (arn?.service === 's3') s3KindsOf(arn).forEach((k) => kinds.add(k));
  }
  return named.filter((a) => (a.kinds.length ? a.kinds.some((k) => kinds.has(k)) : kinds.has('any')));
}

/** The Action element that grants an action (for the finding's place), or the NotAction list. */
function pathOfGrant(s: Statement, test: (a: S3Action) => boolean): PathSegment[] {
  const hit = s.action?.find((a) => actionsOf([a.value]).some(test));
  return hit ? hit.path : [...s.path, s.action ? 'Action' : 'NotAction'];
}

export function checkAccess(r: Reporter, statements: Statement[], options: CheckOptions): void {
  const hasDeny = statements.some((s) => s.effect === 'Deny');
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const granted = grantedActions(s);
    if (granted.length === 0) continue;
    const names = (test: (a: S3Action) => boolean) =>
      granted
        .filter(test)
        .map((a) => `s3:${a.name}`)
        .slice(0, 3)
        .join(', ');

    if (isPublicGrant(s)) {
      const everything = s.notAction !== undefined || (s.action ?? []).some((a) => a.value === '*' || a.value.toLowerCase() === 's3:*');
      if (everything) {
        r.add('public-all-actions', 'security', s.action ? pathOfGrant(s, () => true) : [...s.path, 'NotAction'], 'every S3 action is granted to everyone, anonymous callers included: anyone can overwrite, delete, and rewrite this policy');
        continue;
      }
      if (granted.some(isWriteAction)) r.add('public-write', 'security', pathOfGrant(s, isWriteAction), `anyone, anonymous callers included, may write (${names(isWriteAction)}): anyone could replace NARs and narinfos`);
      if (granted.some(isDeleteAction)) r.add('public-delete', 'security', pathOfGrant(s, isDeleteAction), `anyone, anonymous callers included, may delete (${names(isDeleteAction)})`);
      if (granted.some(isAclAction)) r.add('public-acl-change', 'security', pathOfGrant(s, isAclAction), `anyone may change ACLs (${names(isAclAction)}) and so grant themselves more`);
      const policyChange = (a: S3Action) => isPermissionsAction(a) && !isAclAction(a);
      if (granted.some(policyChange)) r.add('public-policy-change', 'security', pathOfGrant(s, policyChange), `anyone may change the bucket's permissions (${names(policyChange)}): anyone could take over the bucket`);
      if (granted.some(isReadAction)) {
        const message = `anyone, anonymous callers included, may read (${names(isReadAction)}): the bucket is public by S3's definition`;
        if (options.intent === 'private-cache') r.add('public-read', 'security', pathOfGrant(s, isReadAction), `${message}, but it is meant to be a private cache`);
        else if (options.intent !== 'public-cache') r.add('public-read', 'warning', pathOfGrant(s, isReadAction), `${message}; right for a public cache (intent public-cache), wrong for anything else`);
      }
      continue;
    }
    // Not public: a named principal (or a pinned "*") that may rewrite the bucket's permissions.
    if (granted.some(isPermissionsAction)) {
      r.add(
        'privilege-escalation',
        'security',
        pathOfGrant(s, isPermissionsAction),
        `this grants ${names(isPermissionsAction)}: whoever has it can rewrite the bucket's policy or ACLs and give themselves anything${hasDeny ? ', including what the Deny statements refuse them' : ''}`,
      );
    }
  }
}
