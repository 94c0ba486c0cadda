import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { Finding, Severity, TextEdit } from '../../../../shared/policy/types';

const lintSeverity: Record<Severity, Diagnostic['severity']> = { error: 'error', security: 'error', warning: 'warning', suggestion: 'info' };

/** The checker's findings as CodeMirror diagnostics: severity, underline, message and the fix as an action. */
export function toDiagnostics(findings: readonly Finding[], doc: Text, apply: (edits: readonly TextEdit[]) => void): Diagnostic[] {
  const docLength = doc.length;
  return findings.map((finding) => {
    const from = Math.min(Math.max(0, finding.offset), docLength);
    let to = Math.min(docLength, from + Math.max(0, finding.length));
    // A finding about a whole statement or array is underlined on its first line only: a block of
    // wavy lines would bury the findings inside it.
    const firstLineEnd = doc.lineAt(from).to;
    if (to > firstLineEnd) to = Math.max(firstLineEnd, Math.min(docLength, from + 1));
    const fix = finding.fix;
    return {
      from,
      to,
      severity: lintSeverity[finding.severity],
      markClass: `policy-mark--${finding.severity}`,
      source: finding.severity === 'security' ? 'security' : undefined,
      message: finding.message,
      ...(fix ? { actions: [{ name: fix.title, apply: () => apply(fix.edits) }] } : {}),
    };
  });
}
