import type { Finding, Severity } from '../../../../shared/policy/types';
import { severityLabel, severityOrder, summariseFindings } from './findings';

/**
 * The checker's findings beside the editor: severity, where (a button that puts the cursor there),
 * what, and the one-click fix when the checker has one.
 */
export function FindingsList({
  findings,
  intentLabel,
  onJump,
  onFix,
}: {
  findings: readonly Finding[];
  intentLabel: string;
  onJump: (finding: Finding) => void;
  onFix: (finding: Finding) => void;
}) {
  const sorted = [...findings].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || a.offset - b.offset);
  return (
    <section className="policy-findings" aria-labelledby="policy-findings-title">
      <header className="policy-findings__header">
        <h2 id="policy-findings-title">Findings</h2>
        <span className="policy-findings__summary" role="status">
          {findings.length === 0 ? `None for ${intentLabel}` : summariseFindings(findings)}
        </span>
      </header>
      {sorted.length === 0 ? (
        <p className="policy-findings__empty">The policy is valid JSON, every statement can take effect, and it gives {intentLabel} what Nix needs.</p>
      ) : (
        <ul className="policy-findings__list" aria-label="Findings">
          {sorted.map((finding, i) => (
            <li key={`${finding.id} ${finding.path} ${finding.offset} ${i}`} className={`finding finding--${finding.severity}`}>
              <div className="finding__top">
                <SeverityBadge severity={finding.severity} />
                <button
                  type="button"
                  className="finding__where"
                  onClick={() => onJump(finding)}
                  aria-label={`Go to line ${finding.line}, column ${finding.column}`}
                  title={finding.path}
                >
                  Ln {finding.line}, Col {finding.column}
                </button>
                <code className="finding__path">{finding.path}</code>
              </div>
              <p className="finding__message">{finding.message}</p>
              {finding.fix && (
                <button type="button" className="button button--small finding__fix" onClick={() => onFix(finding)}>
                  <span aria-hidden="true">✦</span> {finding.fix.title}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`severity severity--${severity}`}>{severityLabel[severity]}</span>;
}
