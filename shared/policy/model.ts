// A policy document read leniently into statements, each element with its JSON path, for the checker
// (which reports what is malformed) and the simulator (which evaluates what is there).
import type { PathSegment } from './parse';
import type { Json } from './types';

export interface Located<T> {
  value: T;
  path: PathSegment[];
}

export interface PrincipalEntry {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` for the bare `"*"`. */
  type: string;
  value: string;
  path: PathSegment[];
}

export interface ConditionEntry {
  operator: string;
  key: string;
  values: string[];
  /** Values that are not strings, numbers or booleans (the checker reports them). */
  badValues: boolean;
  path: PathSegment[];
}

export interface Statement {
  index: number;
  path: PathSegment[];
  raw: { [key: string]: Json };
  sid?: string;
  effect?: string;
  /** Exactly one of principal/notPrincipal is set when the statement is well formed. */
  principal?: PrincipalEntry[];
  notPrincipal?: PrincipalEntry[];
  action?: Located<string>[];
  notAction?: Located<string>[];
  resource?: Located<string>[];
  notResource?: Located<string>[];
  conditions: ConditionEntry[];
}

export const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string or an array of strings; non-strings are left out (the checker reports them). */
function strings(v: Json | undefined, path: PathSegment[]): Located<string>[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [{ value: v, path }];
  if (Array.isArray(v)) return v.flatMap((x, i) => (typeof x === 'string' ? [{ value: x, path: [...path, i] }] : []));
  return [];
}

function principals(v: Json | undefined, path: PathSegment[]): PrincipalEntry[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [{ type: '*', value: v, path }];
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([type, list]) => (strings(list, [...path, type]) ?? []).map((s) => ({ type, value: s.value, path: s.path })));
}

function conditions(v: Json | undefined, path: PathSegment[]): ConditionEntry[] {
  if (!isObject(v)) return [];
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(v)) {
    if (!isObject(block)) continue;
    for (const [key, raw] of Object.entries(block)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const ok = list.filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x));
      out.push({ operator, key, values: ok.map(String), badValues: ok.length !== list.length, path: [...path, operator, key] });
    }
  }
  return out;
}

export function statementsOf(document: Json | undefined): Statement[] {
  if (!isObject(document)) return [];
  const raw = document.Statement;
  const list = Array.isArray(raw) ? raw.map((s, i) => ({ s, path: ['Statement', i] as PathSegment[] })) : raw === undefined ? [] : [{ s: raw, path: ['Statement'] as PathSegment[] }];
  return list.flatMap(({ s, path }, index) => {
    if (!isObject(s)) return [];
    const at = (k: string) => [...path, k];
    return [
      {
        index,
        path,
        raw: s,
        sid: typeof s.Sid === 'string' ? s.Sid : undefined,
        effect: typeof s.Effect === 'string' ? s.Effect : undefined,
        principal: principals(s.Principal, at('Principal')),
        notPrincipal: principals(s.NotPrincipal, at('NotPrincipal')),
        action: strings(s.Action, at('Action')),
        notAction: strings(s.NotAction, at('NotAction')),
        resource: strings(s.Resource, at('Resource')),
        notResource: strings(s.NotResource, at('NotResource')),
        conditions: conditions(s.Condition, at('Condition')),
      },
    ];
  });
}

/** Whether a principal entry stands for everyone (anonymous callers included). */
export function isWildcardPrincipal(p: PrincipalEntry): boolean {
  return p.value === '*' && (p.type === '*' || p.type === 'AWS');
}
