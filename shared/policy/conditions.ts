// Condition operators: their names, the values they take, and how they evaluate against a request
// context (IAM's rules: operators and keys are AND'ed, the values of one key OR'ed; a key missing from
// the request makes positive operators false and negated ones true; `...IfExists` is true then;
// ForAnyValue:/ForAllValues: compare sets).
import { cidrContains, parseCidr } from './ip';
import { wildcardMatch } from './wildcard';

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

interface BaseOperator {
  name: string;
  family: OperatorFamily;
  negated: boolean;
  /** How a request value compares with one policy value. */
  test: (requestValue: string, policyValue: string) => boolean;
}

const parseDate = (s: string): number => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
const parseNumber = (s: string): number => (s.trim() === '' ? NaN : Number(s));
const ip = (range: string, addr: string) => {
  const r = parseCidr(range);
  const a = parseCidr(addr);
  return !!r && !!a && cidrContains(r, a);
};

function op(name: string, family: OperatorFamily, test: BaseOperator['test'], negated = false): BaseOperator {
  return { name, family, test, negated };
}
const num = (f: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = parseNumber(r);
  const b = parseNumber(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};
const date = (f: (a: number, b: number) => boolean) => (r: string, p: string) => {
  const a = parseDate(r);
  const b = parseDate(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};
// ArnEquals and ArnLike are the same operator in IAM: both take wildcards, segment by segment.
const arnLike = (r: string, p: string) => {
  const rp = r.split(':');
  const pp = p.split(':');
  if (rp.length < 6 || pp.length < 6) return false;
  const tail = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const a = tail(rp);
  const b = tail(pp);
  return b.every((seg, i) => wildcardMatch(seg, a[i]!));
};

/** Negated operators are defined by the positive test they negate. */
export const baseOperators: readonly BaseOperator[] = [
  op('StringEquals', 'String', (r, p) => r === p),
  op('StringNotEquals', 'String', (r, p) => r === p, true),
  op('StringEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === p.toLowerCase()),
  op('StringNotEqualsIgnoreCase', 'String', (r, p) => r.toLowerCase() === p.toLowerCase(), true),
  op('StringLike', 'String', (r, p) => wildcardMatch(p, r)),
  op('StringNotLike', 'String', (r, p) => wildcardMatch(p, r), true),
  op('NumericEquals', 'Numeric', num((a, b) => a === b)),
  op('NumericNotEquals', 'Numeric', num((a, b) => a === b), true),
  op('NumericLessThan', 'Numeric', num((a, b) => a < b)),
  op('NumericLessThanEquals', 'Numeric', num((a, b) => a <= b)),
  op('NumericGreaterThan', 'Numeric', num((a, b) => a > b)),
  op('NumericGreaterThanEquals', 'Numeric', num((a, b) => a >= b)),
  op('DateEquals', 'Date', date((a, b) => a === b)),
  op('DateNotEquals', 'Date', date((a, b) => a === b), true),
  op('DateLessThan', 'Date', date((a, b) => a < b)),
  op('DateLessThanEquals', 'Date', date((a, b) => a <= b)),
  op('DateGreaterThan', 'Date', date((a, b) => a > b)),
  op('DateGreaterThanEquals', 'Date', date((a, b) => a >= b)),
  op('Bool', 'Bool', (r, p) => r.toLowerCase() === p.toLowerCase()),
  op('BinaryEquals', 'Binary', (r, p) => r === p),
  op('IpAddress', 'IpAddress', (r, p) => ip(p, r)),
  op('NotIpAddress', 'IpAddress', (r, p) => ip(p, r), true),
  op('ArnEquals', 'Arn', arnLike),
  op('ArnLike', 'Arn', arnLike),
  op('ArnNotEquals', 'Arn', arnLike, true),
  op('ArnNotLike', 'Arn', arnLike, true),
  op('Null', 'Null', () => false),
];

const byName = new Map(baseOperators.map((o) => [o.name, o]));
const byLowerName = new Map(baseOperators.map((o) => [o.name.toLowerCase(), o]));

export interface ConditionOperator {
  /** As written in the policy. */
  text: string;
  base: BaseOperator;
  setQualifier?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  /** The name as IAM spells it, when the policy spells it in another case. */
  canonical: string;
}

/**
 * `ForAllValues:StringLikeIfExists` → its parts; undefined when the name is not an operator. Case is
 * forgiven here (the checker reports it); the simulator evaluates what was clearly meant.
 */
export function parseOperator(text: string): ConditionOperator | undefined {
  let rest = text;
  let setQualifier: ConditionOperator['setQualifier'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'foranyvalue') setQualifier = 'ForAnyValue';
    else if (q === 'forallvalues') setQualifier = 'ForAllValues';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (/ifexists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = byName.get(rest) ?? byLowerName.get(rest.toLowerCase());
  if (!base || (base.name === 'Null' && (ifExists || setQualifier))) return undefined;
  const canonical = `${setQualifier ? setQualifier + ':' : ''}${base.name}${ifExists ? 'IfExists' : ''}`;
  return { text, base, setQualifier, ifExists, canonical };
}

/** All operator spellings, for "did you mean". */
export const operatorNames: readonly string[] = baseOperators.flatMap((o) => (o.name === 'Null' ? [o.name] : [o.name, `${o.name}IfExists`]));

/** Why a policy value cannot be a value of this operator, or undefined when it can. */
export function invalidValue(operator: ConditionOperator, value: string): string | undefined {
  switch (operator.base.family) {
    case 'Bool':
      return /^(true|false)$/i.test(value) ? undefined : `${operator.base.name} takes "true" or "false", not "${value}"`;
    case 'Null':
      return /^(true|false)$/i.test(value) ? undefined : `Null takes "true" (the key is absent) or "false" (present), not "${value}"`;
    case 'Numeric':
      return Number.isNaN(parseNumber(value)) ? `${operator.base.name} takes a number, not "${value}"` : undefined;
    case 'Date':
      return Number.isNaN(parseDate(value)) ? `${operator.base.name} takes an ISO 8601 date or epoch seconds, not "${value}"` : undefined;
    case 'IpAddress':
      return parseCidr(value) ? undefined : `${operator.base.name} takes an IP address or CIDR range such as 203.0.113.0/24, not "${value}"`;
    case 'Arn':
      return value.split(':').length >= 6 || value === '*' ? undefined : `${operator.base.name} takes an ARN, not "${value}"`;
    default:
      return undefined;
  }
}

export interface ConditionOutcome {
  matched: boolean;
  /** What decided it, in words: `aws:SecureTransport is "true", not "false"`. */
  why: string;
}

const show = (values: readonly string[]) => (values.length === 1 ? `"${values[0]}"` : `[${values.map((v) => `"${v}"`).join(', ')}]`);

/**
 * One operator, one key: `request` is the key's value(s) in the request (undefined when absent),
 * `values` the policy's values (already with policy variables substituted).
 */
export function evaluateCondition(operator: ConditionOperator, key: string, values: readonly string[], request: readonly string[] | undefined): ConditionOutcome {
  const { base } = operator;
  if (base.name === 'Null') {
    const wantAbsent = values.some((v) => v.toLowerCase() === 'true');
    const absent = request === undefined || request.length === 0;
    const matched = values.some((v) => (v.toLowerCase() === 'true') === absent);
    return { matched, why: `${key} is ${absent ? 'absent' : 'present'}${matched ? '' : `, the condition needs it ${wantAbsent ? 'absent' : 'present'}`}` };
  }
  const anyPolicy = (r: string) => values.some((p) => base.test(r, p));
  if (operator.setQualifier === 'ForAllValues') {
    if (request === undefined || request.length === 0) return { matched: true, why: `${key} is absent: ForAllValues holds for an empty set` };
    const bad = request.find((r) => (base.negated ? anyPolicy(r) : !anyPolicy(r)));
    return bad === undefined
      ? { matched: true, why: `every value of ${key} satisfies ${operator.text} ${show(values)}` }
      : { matched: false, why: `${key} has "${bad}", which does not satisfy ${operator.text} ${show(values)}` };
  }
  if (operator.setQualifier === 'ForAnyValue') {
    if (request === undefined || request.length === 0) return { matched: false, why: `${key} is absent: ForAnyValue needs at least one value` };
    const good = request.find((r) => (base.negated ? !anyPolicy(r) : anyPolicy(r)));
    return good !== undefined
      ? { matched: true, why: `${key} has "${good}", which satisfies ${operator.text} ${show(values)}` }
      : { matched: false, why: `no value of ${key} satisfies ${operator.text} ${show(values)}` };
  }
  if (request === undefined || request.length === 0) {
    if (operator.ifExists) return { matched: true, why: `${key} is absent, so ${operator.text} holds` };
    return base.negated
      ? { matched: true, why: `${key} is absent, so the negated ${operator.text} holds` }
      : { matched: false, why: `${key} is absent from the request, ${operator.text} needs ${show(values)}` };
  }
  const hit = request.some(anyPolicy);
  const matched = base.negated ? !hit : hit;
  return {
    matched,
    why: matched
      ? `${key} is ${show(request)}: ${operator.text} ${show(values)} holds`
      : `${key} is ${show(request)}: ${operator.text} ${show(values)} does not hold`,
  };
}
