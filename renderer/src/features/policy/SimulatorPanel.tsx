import { useId, useMemo, useState } from 'react';
import { simulate } from './engine';
import type { SimulationResult, StatementVerdict } from '../../../../shared/policy/types';

const commonActions = [
  's3:GetObject',
  's3:ListBucket',
  's3:GetBucketLocation',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListBucketMultipartUploads',
  's3:ListMultipartUploadParts',
  's3:PutBucketPolicy',
  's3:PutObjectAcl',
];

const decisionText: Record<SimulationResult['decision'], string> = {
  allowed: 'Allowed',
  'explicit-deny': 'Denied by a Deny statement',
  'implicit-deny': 'Denied: no statement allows it',
};

interface ContextRow {
  id: number;
  key: string;
  value: string;
}

/** Which statements decided: the matching Denies for a deny, the matching Allows for an allow. */
export function decidingStatements(result: SimulationResult): StatementVerdict[] {
  if (result.decision === 'implicit-deny') return [];
  const effect = result.decision === 'allowed' ? 'Allow' : 'Deny';
  return result.statements.filter((s) => s.matched && s.effect === effect);
}

/**
 * What the policy decides for one request (a principal, an action, a key and the request's context),
 * by AWS's evaluation logic, computed in the page from the editor's text as it is typed.
 */
export function SimulatorPanel({ text, bucket }: { text: string; bucket: string }) {
  const ids = useId();
  const [principal, setPrincipal] = useState('anonymous');
  const [action, setAction] = useState('s3:GetObject');
  const [key, setKey] = useState('nix-cache-info');
  const [rows, setRows] = useState<ContextRow[]>([{ id: 1, key: 'aws:SecureTransport', value: 'true' }]);
  const [nextId, setNextId] = useState(2);

  const outcome = useMemo((): { result: SimulationResult } | { error: string } => {
    const context: Record<string, string[]> = {};
    for (const row of rows) {
      if (!row.key.trim()) continue;
      // `a,b` gives a multi-valued key (aws:TagKeys, s3:... lists).
      context[row.key.trim()] = row.value.split(',').map((v) => v.trim());
    }
    try {
      return { result: simulate(text, { principal: principal.trim() || 'anonymous', action: action.trim(), bucket, key, context }) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [text, principal, action, key, rows, bucket]);

  const setRow = (id: number, change: Partial<ContextRow>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...change } : r)));

  return (
    <section className="policy-panel policy-sim" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Simulator</h2>
      <p className="field__hint">What this policy decides for one request, by AWS’s evaluation rules. It looks at the editor’s text, saved or not.</p>
      <div className="policy-sim__grid">
        <div className="field">
          <label className="field__label" htmlFor={`${ids}-principal`}>
            Principal
          </label>
          <input id={`${ids}-principal`} className="input input--mono" value={principal} onChange={(e) => setPrincipal(e.target.value)} spellCheck={false} placeholder="anonymous" aria-describedby={`${ids}-principal-hint`} />
          <span id={`${ids}-principal-hint`} className="field__hint">
            anonymous, or an ARN such as arn:aws:iam:::user/uploader
          </span>
        </div>
        <label className="field">
          <span className="field__label">Action</span>
          <input className="input input--mono" value={action} onChange={(e) => setAction(e.target.value)} list={`${ids}-actions`} spellCheck={false} />
          <datalist id={`${ids}-actions`}>
            {commonActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <div className="field">
          <label className="field__label" htmlFor={`${ids}-key`}>
            Key
          </label>
          <input id={`${ids}-key`} className="input input--mono" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} placeholder="nar/….nar.xz" aria-describedby={`${ids}-key-hint`} />
          <span id={`${ids}-key-hint`} className="field__hint">
            For object actions; bucket actions ignore it
          </span>
        </div>
      </div>
      <fieldset className="policy-sim__context">
        <legend className="field__label">Request context</legend>
        {rows.map((row, i) => (
          <div key={row.id} className="policy-sim__row">
            <input className="input input--mono" aria-label={`Context key ${i + 1}`} value={row.key} onChange={(e) => setRow(row.id, { key: e.target.value })} placeholder="aws:SourceIp" spellCheck={false} />
            <span aria-hidden="true">=</span>
            <input className="input input--mono" aria-label={`Context value ${i + 1}`} value={row.value} onChange={(e) => setRow(row.id, { value: e.target.value })} placeholder="203.0.113.7" spellCheck={false} />
            <button type="button" className="icon-button icon-button--small" aria-label={`Remove context key ${row.key || i + 1}`} onClick={() => setRows((rs) => rs.filter((r) => r.id !== row.id))}>
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button--small"
          onClick={() => {
            setRows((rs) => [...rs, { id: nextId, key: '', value: '' }]);
            setNextId((n) => n + 1);
          }}
        >
          Add key
        </button>
      </fieldset>
      <div className="policy-sim__result" role="status" aria-live="polite" aria-label="Simulation result">
        {'error' in outcome ? (
          <p className="policy-sim__error">Cannot simulate: {outcome.error}.</p>
        ) : (
          <SimulationOutcome result={outcome.result} />
        )}
      </div>
    </section>
  );
}

function SimulationOutcome({ result }: { result: SimulationResult }) {
  const deciding = new Set(decidingStatements(result).map((s) => s.index));
  return (
    <>
      <p className={`decision decision--${result.decision}`}>
        <strong>{decisionText[result.decision]}</strong> <code className="decision__resource">{result.resource}</code>
      </p>
      {result.statements.length > 0 && (
        <ol className="policy-sim__statements" aria-label="Statements">
          {result.statements.map((s) => (
            <li key={s.index} className={deciding.has(s.index) ? 'verdict verdict--deciding' : s.matched ? 'verdict verdict--matched' : 'verdict'}>
              <span className={`verdict__effect verdict__effect--${s.effect.toLowerCase()}`}>{s.effect}</span>
              <span className="verdict__name">{s.sid ? s.sid : `Statement ${s.index + 1}`}</span>
              <span className="verdict__state">{deciding.has(s.index) ? 'decides' : s.matched ? 'matches' : 'does not match'}</span>
              <span className="verdict__why">{s.why}</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
