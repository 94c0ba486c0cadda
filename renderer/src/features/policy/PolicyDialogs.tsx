import { useState } from 'react';
import type { Finding, PolicyTemplate } from '../../../../shared/policy/types';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { isBlocking, summariseFindings } from './findings';
import type { DiffRow } from './policy-text';
import { diffCounts, lineDiff } from './policy-text';

/** Old against new, line by line, with each side's line numbers; unchanged stretches folded. */
export function PolicyDiff({ before, after }: { before: string; after: string }) {
  const rows = lineDiff(before, after);
  return (
    <div className="policy-diff" role="table" aria-label="Changes to the policy">
      {rows.map((row, i) => (row.kind === 'gap' ? <GapRow key={i} count={row.count} /> : <LineRow key={i} row={row} />))}
    </div>
  );
}

function GapRow({ count }: { count: number }) {
  return (
    <div className="policy-diff__row policy-diff__row--gap" role="row">
      <span role="cell">
        ⋯ {count} unchanged {count === 1 ? 'line' : 'lines'}
      </span>
    </div>
  );
}

function LineRow({ row }: { row: Exclude<DiffRow, { kind: 'gap' }> }) {
  const sign = row.kind === 'added' ? '+' : row.kind === 'removed' ? '−' : ' ';
  const label = row.kind === 'added' ? 'added' : row.kind === 'removed' ? 'removed' : 'unchanged';
  return (
    <div className={`policy-diff__row policy-diff__row--${row.kind}`} role="row" aria-label={`${label}: ${row.text.trim()}`}>
      <span className="policy-diff__num" role="cell">
        {row.oldLine ?? ''}
      </span>
      <span className="policy-diff__num" role="cell">
        {row.newLine ?? ''}
      </span>
      <span className="policy-diff__sign" role="cell" aria-hidden="true">
        {sign}
      </span>
      <code className="policy-diff__text" role="cell">
        {row.text}
      </code>
    </div>
  );
}

/** Replaces the bucket's policy after showing what changes, and asks twice when the checker objects. */
export function SaveDialog({
  bucket,
  before,
  after,
  findings,
  saving,
  error,
  onSave,
  onClose,
}: {
  bucket: string;
  before: string;
  after: string;
  findings: readonly Finding[];
  saving: boolean;
  error?: string;
  onSave: () => void;
  onClose: () => void;
}) {
  const blocking = findings.filter(isBlocking);
  const [acknowledged, setAcknowledged] = useState(false);
  const { added, removed } = diffCounts(lineDiff(before, after));
  const mustAcknowledge = blocking.length > 0 && !acknowledged;
  return (
    <Dialog title={before ? `Replace the policy of ${bucket}` : `Set a policy on ${bucket}`} onClose={onClose} wide>
      <div className="dialog__body">
        <p>
          {before ? 'The bucket’s policy will be replaced by the edited one: ' : 'The bucket has no policy yet; this one will be set: '}
          <span className="policy-diff__count policy-diff__count--added">+{added}</span>{' '}
          <span className="policy-diff__count policy-diff__count--removed">−{removed}</span> {added + removed === 1 ? 'line' : 'lines'}. It takes effect at once for every client.
        </p>
        <PolicyDiff before={before} after={after} />
        {blocking.length > 0 && (
          <div className="message message--warning" role="note">
            <strong>The checker has {summariseFindings(blocking)}.</strong> The policy may not work as written, or may open the bucket further than a Nix cache needs.
            <label className="checkbox policy-save__ack">
              <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} />
              Save it anyway
            </label>
          </div>
        )}
        {error && (
          <p className="message message--error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" data-autofocus onClick={onSave} disabled={saving || mustAcknowledge}>
          {saving && <span className="spinner" aria-hidden="true" />}
          {saving ? 'Saving…' : 'Save policy'}
        </button>
      </div>
    </Dialog>
  );
}

export function DeleteDialog({ bucket, deleting, error, onDelete, onClose }: { bucket: string; deleting: boolean; error?: string; onDelete: () => void; onClose: () => void }) {
  return (
    <Dialog title={`Delete the policy of ${bucket}`} onClose={onClose}>
      <div className="dialog__body">
        <p>
          The bucket will have no policy: whatever it grants stops at once. Anonymous clients lose public read (a public cache stops working for them); users keep what their own IAM
          policies give them.
        </p>
        {error && (
          <p className="message message--error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" data-autofocus onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--danger" onClick={onDelete} disabled={deleting}>
          {deleting ? 'Deleting…' : 'Delete policy'}
        </button>
      </div>
    </Dialog>
  );
}

export function ReplaceDialog({ template, onReplace, onClose }: { template: PolicyTemplate; onReplace: () => void; onClose: () => void }) {
  return (
    <Dialog title={`Replace the text with “${template.title}”?`} onClose={onClose}>
      <div className="dialog__body">
        <p>The editor has changes that are not saved. The template replaces the whole text; Ctrl+Z in the editor brings your text back.</p>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Keep my text
        </button>
        <button type="button" className="button button--primary" data-autofocus onClick={onReplace}>
          Replace
        </button>
      </div>
    </Dialog>
  );
}

/** An IAM user policy does not go on the bucket: it is shown to copy into the provider's console. */
export function IamPolicyDialog({ template, onClose }: { template: PolicyTemplate; onClose: () => void }) {
  return (
    <Dialog title={template.title} onClose={onClose} wide>
      <div className="dialog__body">
        <p>{template.explanation}</p>
        <p className="field__hint">This is an IAM policy for the uploading user, not a bucket policy: attach it to the user in your provider’s IAM console.</p>
        <pre className="policy-iam" aria-label="IAM user policy">
          {template.text}
        </pre>
      </div>
      <div className="dialog__actions">
        <CopyButton text={template.text} label="Copy" what="IAM user policy" />
        <button type="button" className="button button--primary" data-autofocus onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
