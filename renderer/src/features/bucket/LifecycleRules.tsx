import type { ReactNode } from 'react';
import { useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import type { LifecycleFinding, LifecycleRule } from '../../../../shared/bucket/lifecycle-rules';
import { analyseLifecycle } from '../../../../shared/bucket/lifecycle-rules';
import { LifecycleChangeDialog, RuleDialog } from './LifecycleDialogs';
import { describeActions, describeFilter, ruleLabel } from './lifecycle-text';
import { useLifecycle } from './queries';
import './bucket.css';

/** A change waiting for confirmation: the whole new configuration, and how to say what it does. */
export interface PendingChange {
  title: string;
  summary: string;
  rules: LifecycleRule[];
  confirmLabel: string;
  danger?: boolean;
}

type Modal = { kind: 'edit'; index: number | null } | { kind: 'confirm'; change: PendingChange } | null;

function FindingNote({ finding, onFix }: { finding: LifecycleFinding; onFix?: () => void }) {
  const kind = finding.severity === 'warning' ? 'message--warning' : finding.severity === 'suggestion' ? 'lifecycle-suggestion' : 'lifecycle-info';
  const cls = `message ${kind}${finding.fix && onFix ? ' message--action' : ''}`;
  return (
    <div className={cls} role="note" data-code={finding.code}>
      <span>{finding.message}</span>
      {finding.fix && onFix && (
        <button type="button" className="button button--small" onClick={onFix}>
          {finding.fix.label}…
        </button>
      )}
    </div>
  );
}

/** The bucket's lifecycle rules: what they do to a Nix cache, and adding, editing and deleting them with a confirmation. */
export function LifecycleRules({ cache }: { cache: CacheView }) {
  const lifecycle = useLifecycle(cache);
  const [modal, setModal] = useState<Modal>(null);

  if (cache.config.kind !== 's3') {
    return (
      <section className="bucket-panel" aria-labelledby="lifecycle-title">
        <h2 id="lifecycle-title">Lifecycle rules</h2>
        <p className="state__detail">Lifecycle rules belong to S3 buckets; {cache.name} is a {cache.config.kind === 'file' ? 'folder' : 'HTTP'} cache.</p>
      </section>
    );
  }

  const header = (actions?: ReactNode) => (
    <header className="bucket-panel__header">
      <div>
        <h2 id="lifecycle-title">Lifecycle rules</h2>
        <p className="bucket-panel__intro">Rules by which the provider deletes objects or aborts uploads on its own, by age.</p>
      </div>
      {actions}
    </header>
  );

  if (lifecycle.isPending) {
    return (
      <section className="bucket-panel" aria-labelledby="lifecycle-title" aria-busy="true">
        {header()}
        <p className="bucket-panel__pending" role="status">
          <span className="spinner" aria-hidden="true" /> Reading the lifecycle rules…
        </p>
      </section>
    );
  }
  if (lifecycle.error) {
    return (
      <section className="bucket-panel" aria-labelledby="lifecycle-title">
        {header()}
        <div className="message message--error message--action" role="alert">
          <span>
            <strong>Could not read the lifecycle rules.</strong> {lifecycle.error.message}
          </span>
          <button type="button" className="button button--small" onClick={() => lifecycle.refetch()}>
            Try again
          </button>
        </div>
      </section>
    );
  }
  const answer = lifecycle.data;
  if (answer.state === 'unsupported') {
    return (
      <section className="bucket-panel" aria-labelledby="lifecycle-title">
        {header()}
        <div className="state lifecycle-unsupported">
          <p className="state__title">Not offered by this provider</p>
          <p className="state__detail">{answer.message} Incomplete uploads of killed pushes are still cleaned up by the next push (those over a day old).</p>
        </div>
      </section>
    );
  }

  const rules = answer.state === 'set' ? answer.rules : [];
  const findings = analyseLifecycle(rules);
  const general = findings.filter((f) => f.rule < 0);
  const confirm = (change: PendingChange) => setModal({ kind: 'confirm', change });

  return (
    <section className="bucket-panel" aria-labelledby="lifecycle-title">
      {header(
        <div className="bucket-panel__actions">
          <button type="button" className="button" onClick={() => setModal({ kind: 'edit', index: null })}>
            Add rule…
          </button>
          {rules.length > 0 && (
            <button
              type="button"
              className="button button--quiet-danger"
              onClick={() => confirm({ title: 'Remove every lifecycle rule?', summary: `The bucket's ${rules.length} rule${rules.length === 1 ? '' : 's'} are removed; nothing expires or is aborted by the provider any more.`, rules: [], confirmLabel: 'Remove all rules', danger: true })}
            >
              Remove all…
            </button>
          )}
        </div>,
      )}

      {rules.length === 0 ? (
        <div className="state lifecycle-empty">
          <p className="state__title">No lifecycle rules</p>
          <p className="state__detail">Nothing is deleted by age, which is right for a Nix cache: remove old paths with closure-aware garbage collection instead.</p>
        </div>
      ) : (
        <table className="bucket-table lifecycle-table" aria-label="Lifecycle rules">
          <colgroup>
            <col className="lifecycle-col-rule" />
            <col className="lifecycle-col-filter" />
            <col />
            <col className="lifecycle-col-buttons" />
          </colgroup>
          <thead>
            <tr>
              <th>Rule</th>
              <th>Applies to</th>
              <th>Does</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, i) => {
              const own = findings.filter((f) => f.rule === i);
              const name = ruleLabel(rule, i);
              return (
                <tr key={`${rule.id ?? ''}-${i}`} className={own.some((f) => f.severity === 'warning') ? 'lifecycle-row lifecycle-row--warning' : 'lifecycle-row'}>
                  <td>
                    <div className="lifecycle-row__name">{name}</div>
                    <span className={rule.enabled ? 'lifecycle-status lifecycle-status--on' : 'lifecycle-status'}>{rule.enabled ? 'Enabled' : 'Disabled'}</span>
                  </td>
                  <td>{describeFilter(rule)}</td>
                  <td>
                    <ul className="lifecycle-row__actions">
                      {describeActions(rule).map((a) => (
                        <li key={a}>{a}</li>
                      ))}
                    </ul>
                    {own.map((f) => (
                      <FindingNote key={f.code} finding={f} />
                    ))}
                  </td>
                  <td className="lifecycle-row__buttons">
                    <button type="button" className="button button--small" onClick={() => setModal({ kind: 'edit', index: i })} aria-label={`Edit ${name}`}>
                      Edit…
                    </button>
                    <button
                      type="button"
                      className="button button--small button--quiet-danger"
                      aria-label={`Delete ${name}`}
                      onClick={() => confirm({ title: `Delete ${name}?`, summary: `${name} (${describeActions(rule).join('; ').toLowerCase()}, on ${describeFilter(rule)}) is removed from the bucket's rules.`, rules: rules.filter((_, j) => j !== i), confirmLabel: 'Delete rule', danger: true })}
                    >
                      Delete…
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {general.map((f) => (
        <FindingNote
          key={f.code}
          finding={f}
          onFix={f.fix ? () => confirm({ title: 'Add a rule that aborts incomplete uploads?', summary: 'Multipart uploads still incomplete 7 days after they started are aborted and their parts deleted. Finished objects are never touched.', rules: f.fix!.rules, confirmLabel: 'Add rule' }) : undefined}
        />
      ))}

      {modal?.kind === 'edit' && (
        <RuleDialog
          rules={rules}
          index={modal.index}
          onClose={() => setModal(null)}
          onReview={(change) => setModal({ kind: 'confirm', change })}
        />
      )}
      {modal?.kind === 'confirm' && <LifecycleChangeDialog cache={cache} change={modal.change} previous={rules} onClose={() => setModal(null)} />}
    </section>
  );
}
