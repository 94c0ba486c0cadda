import type { Finding, Intent, Severity } from '../../../../shared/policy/types';

export const severityOrder: Record<Severity, number> = { error: 0, security: 1, warning: 2, suggestion: 3 };
export const severityLabel: Record<Severity, string> = { error: 'Error', security: 'Security', warning: 'Warning', suggestion: 'Suggestion' };
const plural: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  security: ['security finding', 'security findings'],
  warning: ['warning', 'warnings'],
  suggestion: ['suggestion', 'suggestions'],
};

/** "2 errors · 1 security finding · 3 suggestions", most severe first. */
export function summariseFindings(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  return (Object.keys(severityOrder) as Severity[])
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${plural[s][counts.get(s) === 1 ? 0 : 1]}`)
    .join(' · ');
}

/** Whether saving should ask twice: the policy will not work as written, or opens the bucket too far. */
export const isBlocking = (f: Finding) => f.severity === 'error' || f.severity === 'security';

export const intentLabels: Record<Intent, { label: string; withArticle: string; hint: string }> = {
  'public-cache': { label: 'public cache', withArticle: 'a public cache', hint: 'Anyone may read nix-cache-info, narinfos and NARs; nobody but you writes.' },
  'private-cache': { label: 'private cache', withArticle: 'a private cache', hint: 'Only the principal below reads; nothing is public.' },
  uploader: { label: 'uploader', withArticle: 'an uploader', hint: 'The principal below runs nix copy --to: it needs the seven actions of an upload.' },
};
