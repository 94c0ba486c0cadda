// One statement's principals, actions, resources and conditions.
import { actionsMatching } from '../actions';
import { parseArn, partitions, s3BucketOf, s3KindsOf } from '../arn';
import { invalidValue, operatorNames, parseOperator } from '../conditions';
import { conditionKey, isKnownService, knownConditionKeys, s3Action, actions as allActions } from '../data/index';
import { type Statement, isObject, statementsOf } from '../model';
import type { PathSegment } from '../parse';
import type { Reporter } from '../report';
import { closest } from '../suggest';
import { hasWildcard, wildcardMatch } from '../wildcard';
import type { Json } from '../types';
import { servicePrefixes } from '../data/s3.generated';

const principalTypes = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

export function checkPrincipals(r: Reporter, s: Statement): void {
  for (const key of ['Principal', 'NotPrincipal'] as const) {
    const v: Json | undefined = s.raw[key];
    if (v === undefined) continue;
    const path: PathSegment[] = [...s.path, key];
    if (typeof v === 'string') {
      if (v !== '*') {
        const looksAws = /^\d{12}$/.test(v) || v.startsWith('arn:');
        r.add(
          'principal-invalid',
          'error',
          path,
          `${key} is "*" or an object such as {"AWS": "${v}"}, not a bare string`,
          looksAws ? { title: `Change to {"AWS": "${v}"}`, edits: r.set(path, { AWS: v }) } : undefined,
        );
      }
      continue;
    }
    if (!isObject(v)) {
      r.add('principal-invalid', 'error', path, `${key} is "*" or an object such as {"AWS": "arn:aws:iam:::user/NAME"}`);
      continue;
    }
    if (Object.keys(v).length === 0) r.add('principal-invalid', 'error', path, `${key} is empty: name at least one principal`);
    for (const [type, list] of Object.entries(v)) {
      if (!principalTypes.includes(type)) {
        const guess = principalTypes.find((t) => t.toLowerCase() === type.toLowerCase()) ?? closest(type, principalTypes);
        r.add(
          'principal-invalid',
          'error',
          [...path, type],
          `unknown principal type "${type}"${guess ? `: did you mean "${guess}"?` : `: expected ${principalTypes.join(', ')}`}`,
          guess ? { title: `Rename to "${guess}"`, edits: r.renameKey([...path, type], guess) } : undefined,
          { key: true },
        );
        continue;
      }
      const items = Array.isArray(list) ? list.map((x, i) => ({ x, p: [...path, type, i] })) : [{ x: list, p: [...path, type] }];
      for (const { x, p } of items) {
        if (typeof x !== 'string') {
          r.add('value-not-string', 'error', p, `a principal is a string, not ${JSON.stringify(x)}`);
          continue;
        }
        if (type === 'AWS') checkAwsPrincipal(r, x, p);
      }
    }
  }
  if (s.effect === 'Allow' && s.raw.NotPrincipal !== undefined) {
    r.add('allow-not-principal', 'security', [...s.path, 'NotPrincipal'], 'Allow with NotPrincipal grants everyone not listed, anonymous callers included; name the principals in Principal instead');
  }
}

function checkAwsPrincipal(r: Reporter, value: string, path: PathSegment[]): void {
  if (value === '*' || /^\d{12}$/.test(value)) return;
  if (hasWildcard(value)) {
    r.add('principal-partial-wildcard', 'error', path, `"${value}": a principal is "*" or one exact ARN; wildcards inside an ARN are not allowed (use the aws:PrincipalArn condition with ArnLike)`);
    return;
  }
  const arn = parseArn(value);
  if (!arn || (arn.service !== 'iam' && arn.service !== 'sts') || !arn.resource || !partitions.includes(arn.partition)) {
    r.add('principal-arn-malformed', 'error', path, `"${value}" is not a principal: expected "*", an account id, or an IAM ARN such as arn:aws:iam::123456789012:user/NAME (RGW: arn:aws:iam:::user/UID)`);
  }
}

/** Checks Action/NotAction; returns the S3 actions each concrete Action element names (for resource checks). */
export function checkActions(r: Reporter, s: Statement): void {
  for (const list of [s.action, s.notAction]) {
    if (!list) continue;
    const seen = new Map<string, PathSegment[]>();
    for (const { value, path } of list) {
      const lower = value.toLowerCase();
      const duplicate = seen.get(lower);
      if (duplicate) {
        r.add('action-duplicate', 'suggestion', path, `${value} is listed twice`, { title: `Remove this ${value}`, edits: r.remove(path) });
        continue;
      }
      seen.set(lower, path);
      if (value === '*') continue;
      const colon = value.indexOf(':');
      if (colon < 0) {
        const guess = s3Action(value)?.name;
        r.add(
          'action-invalid',
          'error',
          path,
          `"${value}" is not an action: actions are written SERVICE:NAME${guess ? `; did you mean "s3:${guess}"?` : ', e.g. s3:GetObject'}`,
          guess ? { title: `Change to s3:${guess}`, edits: r.set(path, `s3:${guess}`) } : undefined,
        );
        continue;
      }
      const service = value.slice(0, colon);
      const name = value.slice(colon + 1);
      if (service.toLowerCase() !== 's3') {
        if (isKnownService(service)) {
          r.add('action-not-s3', 'error', path, `${value} is not an S3 action: a bucket policy can only grant or deny S3 actions (s3:...)`);
        } else {
          const guess = closest(service, servicePrefixes);
          const fixable = guess === 's3' && (hasWildcard(name) ? actionsMatching(`s3:${name}`).length > 0 : !!s3Action(name));
          r.add(
            'unknown-service',
            'error',
            path,
            `unknown service prefix "${service}"${guess ? `: did you mean "${guess}"?` : ''}`,
            fixable ? { title: `Change to s3:${name}`, edits: r.set(path, `s3:${name}`) } : undefined,
          );
        }
        continue;
      }
      if (hasWildcard(name)) {
        if (actionsMatching(value).length === 0) r.add('action-matches-nothing', 'error', path, `${value} matches no S3 action`);
        continue;
      }
      if (!s3Action(name)) {
        const guess = closest(name, allActions.map((a) => a.name));
        r.add(
          'unknown-action',
          'error',
          path,
          `unknown S3 action "${value}"${guess ? `: did you mean "s3:${guess}"?` : ''}`,
          guess ? { title: `Change to s3:${guess}`, edits: r.set(path, `s3:${guess}`) } : undefined,
        );
      }
    }
    // An action that a wildcard of the same list already covers.
    for (const { value, path } of list) {
      if (hasWildcard(value)) continue;
      const cover = list.find((o) => o.value !== value && hasWildcard(o.value) && wildcardMatch(o.value, value, { ignoreCase: true }));
      if (cover) r.add('action-redundant', 'suggestion', path, `${value} is already covered by ${cover.value}`, { title: `Remove ${value}`, edits: r.remove(path) });
    }
  }
  if (s.effect === 'Allow' && s.notAction) {
    r.add('allow-not-action', 'security', [...s.path, 'NotAction'], 'Allow with NotAction grants every action not listed, including ones added to S3 later; list the actions to allow in Action instead');
  }
}

/** The bucket the policy is about: given, or the first bucket named by an S3 resource without wildcards. */
export function inferBucket(statements: Statement[]): string | undefined {
  for (const s of statements) {
    for (const { value } of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
      const arn = parseArn(value);
      if (arn?.service === 's3') {
        const b = s3BucketOf(arn);
        if (b && !hasWildcard(b)) return b;
      }
    }
  }
  return undefined;
}

export function checkResources(r: Reporter, s: Statement, bucket: string | undefined): void {
  for (const list of [s.resource, s.notResource]) {
    if (!list) continue;
    const seen = new Set<string>();
    for (const { value, path } of list) {
      if (seen.has(value)) {
        r.add('resource-duplicate', 'suggestion', path, `${value} is listed twice`, { title: 'Remove the duplicate', edits: r.remove(path) });
        continue;
      }
      seen.add(value);
      if (value === '*') continue;
      const arn = parseArn(value);
      if (!arn) {
        const asBucket = bucket && (value === bucket || value.startsWith(`${bucket}/`)) ? `arn:aws:s3:::${value}` : undefined;
        r.add(
          'resource-malformed',
          'error',
          path,
          `"${value}" is not an ARN: S3 resources are written arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY`,
          asBucket ? { title: `Change to ${asBucket}`, edits: r.set(path, asBucket) } : undefined,
        );
        continue;
      }
      if (!partitions.includes(arn.partition)) {
        r.add('resource-malformed', 'error', path, `unknown partition "${arn.partition}" in ${value}: expected ${partitions.join(', ')}`);
        continue;
      }
      if (arn.service !== 's3') {
        r.add('resource-not-s3', 'error', path, `${value} is not an S3 resource: a bucket policy can only be about its bucket and its objects`);
        continue;
      }
      if (arn.region || arn.account) {
        const fixed = `arn:${arn.partition}:s3:::${arn.resource}`;
        r.add('resource-region-or-account', 'error', path, `S3 bucket and object ARNs carry no region and no account: ${fixed}`, { title: `Change to ${fixed}`, edits: r.set(path, fixed) });
        continue;
      }
      const b = s3BucketOf(arn);
      if (!b) {
        r.add('resource-malformed', 'error', path, `${value} names no bucket`);
        continue;
      }
      if (bucket && !wildcardMatch(b, bucket)) {
        const fixed = `arn:${arn.partition}:s3:::${bucket}${arn.resource.slice(b.length)}`;
        r.add('resource-other-bucket', 'error', path, `${value} is about bucket "${b}", not "${bucket}": a bucket policy can only name its own bucket`, {
          title: `Change to ${fixed}`,
          edits: r.set(path, fixed),
        });
      }
    }
  }
  for (const list of [s.resource, s.notResource]) {
    for (const { value, path } of list ?? []) {
      if (!hasWildcard(value) && value !== '*') {
        const cover = list!.find((o) => o.value !== value && hasWildcard(o.value) && wildcardMatch(o.value, value));
        if (cover) r.add('resource-redundant', 'suggestion', path, `${value} is already covered by ${cover.value}`, { title: `Remove ${value}`, edits: r.remove(path) });
      }
    }
  }
  if (s.effect === 'Allow' && s.notResource) {
    r.add('allow-not-resource', 'security', [...s.path, 'NotResource'], 'Allow with NotResource grants the actions on everything not listed; list the resources in Resource instead');
  }
}

/**
 * Action/resource types: each action needs at least one resource of its type in the statement
 * (GetObject an object ARN, ListBucket the bucket ARN), and each resource should be usable by some
 * action. Only statements with Action and Resource (not their Not forms) can be judged.
 */
export function checkActionResourceTypes(r: Reporter, s: Statement, bucket: string | undefined, statements: Statement[]): void {
  if (!s.action || !s.resource) return;
  const resources = s.resource
    .map((res) => ({ ...res, arn: res.value === '*' ? undefined : parseArn(res.value) }))
    .filter((res) => res.value === '*' || (res.arn?.service === 's3' && !res.arn.region && !res.arn.account));
  if (resources.length === 0) return;
  const kindsOf = (res: (typeof resources)[number]) => (res.arn ? s3KindsOf(res.arn) : new Set(['bucket', 'object', 'any'] as const));
  const available = new Set<string>(resources.flatMap((res) => [...kindsOf(res)]));
  const needed = new Set<string>();

  for (const { value, path } of s.action) {
    const named = actionsMatching(value);
    if (named.length === 0) continue;
    const kinds = new Set(named.flatMap((a) => (a.kinds.length ? a.kinds : ['any'])));
    kinds.forEach((k) => needed.add(k));
    // A wildcard action needs only some of its actions to apply.
    if ([...kinds].some((k) => available.has(k))) continue;
    const action = named[0]!;
    if (hasWildcard(value)) {
      r.add('action-resource-mismatch', 'error', path, `no action that ${value} names applies to this statement's resources`);
      continue;
    }
    const kind = action.kinds[0];
    if (!kind) {
      r.add('action-resource-mismatch', 'error', path, `s3:${action.name} applies to no bucket or object (only to Resource "*"): it does nothing in a bucket policy`);
      continue;
    }
    const b = bucket ?? inferBucket([s]);
    const wanted = b ? (kind === 'object' ? `arn:aws:s3:::${b}/*` : `arn:aws:s3:::${b}`) : undefined;
    const what = kind === 'object' ? `no object ARN (${wanted ?? 'arn:aws:s3:::BUCKET/*'})` : `not the bucket ARN (${wanted ?? 'arn:aws:s3:::BUCKET'})`;
    // Move the action to a statement like this one (same effect, principal, condition) that has the right resource.
    const sibling = statements.find(
      (o) =>
        o !== s &&
        o.action &&
        o.effect === s.effect &&
        JSON.stringify(o.raw.Principal) === JSON.stringify(s.raw.Principal) &&
        JSON.stringify(o.raw.NotPrincipal) === JSON.stringify(s.raw.NotPrincipal) &&
        JSON.stringify(o.raw.Condition) === JSON.stringify(s.raw.Condition) &&
        (o.resource ?? []).some((res) => {
          const a = parseArn(res.value);
          return res.value === '*' || (a?.service === 's3' && s3KindsOf(a).has(kind));
        }),
    );
    const onlyAction = s.action.length === 1;
    const fix =
      sibling && !onlyAction && Array.isArray(s.raw.Action)
        ? { title: `Move s3:${action.name} to statement ${sibling.index}`, edits: [...r.remove(path), ...r.append([...sibling.path, 'Action'], value)] }
        : wanted
          ? { title: `Add ${wanted} to Resource`, edits: r.append([...s.path, 'Resource'], wanted) }
          : undefined;
    r.add('action-resource-mismatch', 'error', path, `s3:${action.name} acts on ${kind === 'object' ? 'objects' : 'the bucket'}, and this statement has ${what}: it grants nothing`, fix);
  }

  for (const res of resources) {
    if (res.value === '*') continue;
    const kinds = kindsOf(res);
    if ([...kinds].some((k) => needed.has(k)) || needed.size === 0) continue;
    const arn = res.arn!;
    const objectWanted = needed.has('object');
    const fixed = objectWanted ? `arn:${arn.partition}:s3:::${arn.resource}/*` : `arn:${arn.partition}:s3:::${s3BucketOf(arn)}`;
    const alreadyThere = resources.some((o) => o.value === fixed);
    r.add(
      'resource-mismatch',
      'error',
      res.path,
      objectWanted
        ? `${res.value} is the bucket, but the actions of this statement act on objects: use ${fixed}`
        : `${res.value} names objects, but the actions of this statement act on the bucket: use ${fixed}`,
      alreadyThere ? { title: `Remove ${res.value}`, edits: r.remove(res.path) } : { title: `Change to ${fixed}`, edits: r.set(res.path, fixed) },
    );
  }
}

const familyForType: Record<string, string[]> = {
  String: ['String'],
  ArrayOfString: ['String'],
  ARN: ['Arn', 'String'],
  ArrayOfARN: ['Arn', 'String'],
  Bool: ['Bool'],
  ArrayOfBool: ['Bool'],
  Date: ['Date'],
  Numeric: ['Numeric'],
  ArrayOfNumeric: ['Numeric'],
  IPAddress: ['IpAddress'],
  Binary: ['Binary'],
};

export function checkConditions(r: Reporter, s: Statement): void {
  const cond = s.raw.Condition;
  if (cond === undefined) return;
  const path = [...s.path, 'Condition'];
  if (!isObject(cond)) {
    r.add('condition-invalid', 'error', path, 'Condition is an object: {"OPERATOR": {"KEY": "VALUE"}}');
    return;
  }
  for (const [operatorText, block] of Object.entries(cond)) {
    const opPath = [...path, operatorText];
    if (!isObject(block)) {
      r.add('condition-invalid', 'error', opPath, `${operatorText} takes an object of condition keys and values: {"aws:SecureTransport": "false"}`);
      continue;
    }
    const operator = parseOperator(operatorText);
    if (!operator) {
      const prefix = operatorText.includes(':') ? operatorText.slice(0, operatorText.indexOf(':') + 1) : '';
      const rest = operatorText.slice(prefix.length);
      const guessPrefix = prefix ? closest(prefix.slice(0, -1), ['ForAnyValue', 'ForAllValues']) : '';
      const guessBase = closest(rest, operatorNames);
      const guess = guessBase !== undefined && guessPrefix !== undefined ? `${guessPrefix ? guessPrefix + ':' : ''}${guessBase}` : undefined;
      const valid = guess && parseOperator(guess) ? guess : undefined;
      r.add(
        'condition-operator-unknown',
        'error',
        opPath,
        `unknown condition operator "${operatorText}"${valid ? `: did you mean "${valid}"?` : ''}`,
        valid ? { title: `Rename to ${valid}`, edits: r.renameKey(opPath, valid) } : undefined,
        { key: true },
      );
      continue;
    }
    if (operator.canonical !== operatorText) {
      r.add('condition-operator-case', 'warning', opPath, `condition operators are written "${operator.canonical}", not "${operatorText}"`, {
        title: `Rename to ${operator.canonical}`,
        edits: r.renameKey(opPath, operator.canonical),
      }, { key: true });
    }
    for (const [key, raw] of Object.entries(block)) {
      const keyPath = [...opPath, key];
      const info = conditionKey(key);
      if (!info) {
        const guess = closest(key, knownConditionKeys);
        r.add(
          'condition-key-unknown',
          'warning',
          keyPath,
          `"${key}" is not a condition key of S3 or a global one${guess ? `: did you mean "${guess}"?` : ''}; S3 never sets it, so ${operator.base.negated || operator.ifExists ? 'this condition always holds' : 'this condition never holds'}`,
          guess ? { title: `Rename to ${guess}`, edits: r.renameKey(keyPath, guess) } : undefined,
          { key: true },
        );
      } else {
        // An S3 key that none of the statement's actions sets (s3:prefix on GetObject) is never in the request.
        if (info.key.toLowerCase().startsWith('s3:') && s.action && !operator.ifExists && !operator.base.negated && operator.base.name !== 'Null') {
          const actions = s.action.flatMap((a) => actionsMatching(a.value));
          const base = (k: string) => k.toLowerCase().replace(/\/.*$/, '/');
          if (actions.length && !actions.some((a) => a.conditionKeys.some((k) => base(k) === base(info.key)))) {
            const names = [...new Set(actions.map((a) => `s3:${a.name}`))].slice(0, 3).join(', ');
            r.add('condition-key-not-applicable', 'warning', keyPath, `${info.key} is never set for ${names}: this condition never holds`, undefined, { key: true });
          }
        }
        const families = familyForType[info.type];
        if (families && operator.base.family !== 'Null' && !families.includes(operator.base.family)) {
          r.add('condition-type-mismatch', 'warning', keyPath, `${info.key} is of type ${info.type}; ${operator.base.name} compares ${operator.base.family} values`, undefined, { key: true });
        }
        const multi = info.type.startsWith('ArrayOf');
        if (operator.setQualifier === 'ForAllValues' && !multi) {
          r.add('forallvalues-single-valued', 'security', keyPath, `ForAllValues with the single-valued key ${info.key} also holds when the key is absent; use ${operator.base.name} without ForAllValues`, undefined, { key: true });
        } else if (operator.setQualifier === 'ForAnyValue' && !multi) {
          r.add('foranyvalue-single-valued', 'warning', keyPath, `${info.key} has one value: ForAnyValue is not needed, use ${operator.base.name}`, undefined, { key: true });
        }
      }
      const values = Array.isArray(raw) ? raw.map((v, i) => ({ v, p: [...keyPath, i] })) : [{ v: raw, p: keyPath }];
      if (Array.isArray(raw) && raw.length === 0) r.add('empty-array', 'suggestion', keyPath, `${key} has no values: the condition can never hold`);
      for (const { v, p } of values) {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          r.add('condition-value-invalid', 'error', p, `condition values are strings, numbers or booleans, not ${JSON.stringify(v)}`);
          continue;
        }
        const problem = invalidValue(operator, String(v));
        if (problem) r.add('condition-value-invalid', 'error', p, problem);
      }
    }
  }
}

/** The bucket a policy document is about (the first bucket its S3 resources name), if any. */
export function bucketOfPolicy(document: Json | undefined): string | undefined {
  return inferBucket(statementsOf(document));
}
