import type { CacheInfo } from '../../../../shared/api/contract';

/** What cache.nixos.org announces; a lower number is tried first, so pick below 40 to win over it. */
export const defaultPriority = 40;

/** The Initialise form as the inputs hold it. An empty priority keeps a cache's unset Priority unset. */
export interface InitialiseForm {
  wantMassQuery: boolean;
  priority: string;
}

/**
 * Where the form starts: a cache that has a nix-cache-info starts from what it says (an unset field
 * stays unset: WantMassQuery unchecked, Priority empty), so Initialise changes nothing unless the user
 * does; a new cache starts from the values a cache usually wants.
 */
export function initialForm(current: CacheInfo | undefined): InitialiseForm {
  if (!current) return { wantMassQuery: true, priority: String(defaultPriority) };
  return { wantMassQuery: current.wantMassQuery ?? false, priority: current.priority === undefined ? '' : String(current.priority) };
}

export interface Change {
  field: 'WantMassQuery' | 'Priority';
  from: string;
  to: string;
}

export type Plan =
  | { ok: true; changes: Change[]; request: { wantMassQuery?: boolean; priority?: number } }
  | { ok: false; error: string };

const yesNo = (value: boolean | undefined) => (value === undefined ? 'unset' : value ? 'yes' : 'no');

/**
 * What Initialise will write, checked. For an existing nix-cache-info the request holds only the
 * fields the user changed (the service keeps the others as they are), and `changes` says each one as
 * "Priority: unset → 40"; no changes means Initialise rewrites nothing of substance.
 */
export function planInitialise(current: CacheInfo | undefined, form: InitialiseForm): Plan {
  const text = form.priority.trim();
  const number = Number(text);
  const keepUnset = current !== undefined && current.priority === undefined && text === '';
  if (!keepUnset && !(text !== '' && Number.isInteger(number) && number >= 0 && number <= 1000)) {
    return { ok: false, error: 'A whole number from 0 to 1000.' };
  }
  const priority = keepUnset ? undefined : number;
  if (!current) return { ok: true, changes: [], request: { wantMassQuery: form.wantMassQuery, priority } };

  const changes: Change[] = [];
  const request: { wantMassQuery?: boolean; priority?: number } = {};
  // An unset WantMassQuery means no to Nix; leaving the box unchecked keeps it unset.
  if (form.wantMassQuery !== (current.wantMassQuery ?? false)) {
    changes.push({ field: 'WantMassQuery', from: yesNo(current.wantMassQuery), to: yesNo(form.wantMassQuery) });
    request.wantMassQuery = form.wantMassQuery;
  }
  if (priority !== current.priority) {
    changes.push({ field: 'Priority', from: current.priority === undefined ? 'unset' : String(current.priority), to: String(priority) });
    request.priority = priority;
  }
  return { ok: true, changes, request };
}
