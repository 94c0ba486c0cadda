import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import type { BucketPolicyView } from '../../../../shared/api/contract-policy';
import type { Finding, Intent, PolicyTemplate } from '../../../../shared/policy/types';
import { LifecycleRules } from '../bucket/LifecycleRules';
import { ProbePanel } from '../bucket/ProbePanel';
import { checkPolicy, templates as policyTemplates } from './engine';
import { FindingsList } from './FindingsList';
import { intentLabels } from './findings';
import { DeleteDialog, IamPolicyDialog, ReplaceDialog, SaveDialog } from './PolicyDialogs';
import type { PolicyEditorHandle } from './PolicyEditor';
import { PolicyEditor } from './PolicyEditor';
import { useDraft, usePolicyUi } from './policy-store';
import { formatForEditing, sameJson } from './policy-text';
import { useBucketPolicy, useDeletePolicy, useSavePolicy } from './queries';
import { SimulatorPanel } from './SimulatorPanel';
import { TemplatesMenu } from './TemplatesMenu';
import { useUnsavedGuard } from './useUnsavedGuard';
import './policy.css';

const emptyPolicy = '{\n  "Version": "2012-10-17",\n  "Statement": []\n}\n';

type Modal = { kind: 'save' } | { kind: 'delete' } | { kind: 'replace'; template: PolicyTemplate } | { kind: 'iam'; template: PolicyTemplate } | null;

/** The bucket policy of an S3 cache: read it, edit it against the checker's findings, simulate, save with a diff. */
export function PolicyScreen({ cache }: { cache: CacheView }) {
  if (cache.config.kind !== 's3') {
    return (
      <div className="state">
        <p className="state__title">No bucket policy here</p>
        <p className="state__detail">Bucket policies belong to S3 buckets; {cache.name} is a {cache.config.kind === 'file' ? 'folder' : 'HTTP'} cache.</p>
      </div>
    );
  }
  return <PolicyWorkspace key={cache.id} cache={cache} bucket={cache.config.bucket} />;
}

function PolicyWorkspace({ cache, bucket }: { cache: CacheView; bucket: string }) {
  const policy = useBucketPolicy(cache);
  if (policy.isPending) {
    return (
      <div className="state" aria-busy="true">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Reading the policy of {bucket}…</p>
      </div>
    );
  }
  if (policy.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">Could not read the bucket policy</p>
        <p className="state__detail">{policy.error.message}</p>
        <div className="state__actions">
          <button type="button" className="button" onClick={() => policy.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  return <PolicyEditing cache={cache} bucket={bucket} answer={policy.data} />;
}

function PolicyEditing({ cache, bucket, answer }: { cache: CacheView; bucket: string; answer: BucketPolicyView }) {
  const draft = useDraft(cache.id);
  const update = usePolicyUi((s) => s.update);
  const discardText = usePolicyUi((s) => s.discardText);
  const save = useSavePolicy(cache);
  const remove = useDeletePolicy(cache);
  const editor = useRef<PolicyEditorHandle>(null);
  const [modal, setModal] = useState<Modal>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // What the inserted template does and why (the ListBucket choice, the principal to replace).
  const [inserted, setInserted] = useState<PolicyTemplate | null>(null);
  // Without a policy (or a policy API) there is nothing to edit until the user starts one.
  const [started, setStarted] = useState(false);

  const baseline = answer.state === 'policy' ? formatForEditing(answer.text) : '';
  const text = draft.text ?? baseline;
  const dirty = draft.text !== undefined && draft.text !== baseline;
  const editing = answer.state === 'policy' || draft.text !== undefined || started;
  const unsupported = answer.state === 'unsupported';
  useUnsavedGuard(dirty);

  // The checker runs on every keystroke's text, but never holds typing up.
  const checked = useDeferredValue(text);
  const findings = useMemo(() => (checked.trim() ? checkPolicy(checked, { bucket, intent: draft.intent, principal: draft.principal.trim() || undefined }) : []), [checked, bucket, draft.intent, draft.principal]);
  // Offsets of findings made for an older text would point at the wrong places.
  const current: readonly Finding[] = checked === text ? findings : [];
  const list = useMemo(() => policyTemplates(bucket, draft.principal.trim() || undefined), [bucket, draft.principal]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const setText = (value: string) => update(cache.id, { text: value });
  const pickTemplate = (template: PolicyTemplate) => {
    if (template.kind === 'iam-user-policy') return setModal({ kind: 'iam', template });
    if (dirty && text.trim()) return setModal({ kind: 'replace', template });
    insert(template);
  };
  const insert = (template: PolicyTemplate) => {
    update(cache.id, { text: template.text, ...(template.intent ? { intent: template.intent } : {}) });
    setInserted(template);
    setStarted(true);
    setModal(null);
  };
  const openSave = () => {
    if (!dirty || unsupported) return;
    save.reset();
    setModal({ kind: 'save' });
  };

  // Ctrl+S (⌘S) anywhere on this tab saves, as in an editor, instead of the browser's "Save page".
  const onSaveKey = useRef(openSave);
  onSaveKey.current = modal ? () => {} : openSave;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        onSaveKey.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="policy">
      <div className="policy__toolbar" role="toolbar" aria-label="Policy">
        <IntentPicker intent={draft.intent} onChange={(intent) => update(cache.id, { intent })} />
        {draft.intent !== 'public-cache' && (
          <label className="policy__principal">
            <span className="field__label">{draft.intent === 'uploader' ? 'Uploader' : 'Reader'}</span>
            <input
              className="input input--mono"
              value={draft.principal}
              onChange={(e) => update(cache.id, { principal: e.target.value })}
              placeholder="arn:aws:iam::123456789012:user/nix"
              spellCheck={false}
            />
          </label>
        )}
        <div className="policy__actions">
          <TemplatesMenu templates={list} onPick={pickTemplate} />
          {dirty && (
            <button type="button" className="button" onClick={() => discardText(cache.id)}>
              Discard changes
            </button>
          )}
          {answer.state === 'policy' && (
            <button type="button" className="button button--quiet-danger" onClick={() => (remove.reset(), setModal({ kind: 'delete' }))}>
              Delete policy…
            </button>
          )}
          <button type="button" className="button button--primary" onClick={openSave} disabled={!dirty || unsupported} title={unsupported ? 'This provider has no bucket policy API' : 'Ctrl+S'}>
            Save…
          </button>
        </div>
      </div>

      <p className="policy__status" role="status">
        {notice ? (
          <span className="policy__saved">{notice}</span>
        ) : unsupported ? (
          <>Checking only: this provider cannot store a bucket policy.</>
        ) : dirty ? (
          <>
            <span className="policy__dot" aria-hidden="true" /> Unsaved changes to the policy of <code>{bucket}</code>
            {sameJson(text, baseline) ? ' (layout only)' : ''}
          </>
        ) : answer.state === 'policy' ? (
          <>
            The policy of <code>{bucket}</code> as the bucket has it
          </>
        ) : (
          <>
            <code>{bucket}</code> has no policy
          </>
        )}
      </p>

      {!editing ? (
        <EmptyState answer={answer} bucket={bucket} templates={list} onPick={pickTemplate} onStart={() => (setStarted(true), setText(emptyPolicy))} />
      ) : (
        <>
          {unsupported && (
            <p className="message message--warning policy__banner" role="note">
              {answer.message}
            </p>
          )}
          {inserted && (
            <div className="message policy__template-note" role="note" aria-label="About the template">
              <p>
                <strong>{inserted.title}.</strong> {inserted.explanation}
              </p>
              <button type="button" className="icon-button icon-button--small" aria-label="Hide the note about the template" onClick={() => setInserted(null)}>
                ×
              </button>
            </div>
          )}
          <div className="policy__workspace">
            <div className="policy__editor-wrap">
              <PolicyEditor ref={editor} value={text} onChange={setText} findings={current} label={`Bucket policy of ${bucket}`} />
            </div>
            <FindingsList
              findings={current}
              intentLabel={intentLabels[draft.intent].withArticle}
              onJump={(f) => editor.current?.select(f.offset, f.length)}
              onFix={(f) => f.fix && editor.current?.apply(f.fix.edits)}
            />
          </div>
        </>
      )}
      <div className="policy__lower">
        {editing && <SimulatorPanel text={text} bucket={bucket} />}
        {/* The probe meets the saved policy; the draft's findings stand in only when that cannot be read. */}
        <ProbePanel cache={cache} findings={draft.intent === 'public-cache' ? current : undefined} />
      </div>
      <LifecycleRules cache={cache} />

      {modal?.kind === 'save' && (
        <SaveDialog
          bucket={bucket}
          before={baseline}
          after={text}
          findings={current}
          saving={save.isPending}
          error={save.error?.message}
          onClose={() => setModal(null)}
          onSave={() =>
            save.mutate({ text, previous: answer.state === 'policy' ? answer.text : null }, {
              onSuccess: () => {
                discardText(cache.id);
                setInserted(null);
                setModal(null);
                setNotice(`Saved the policy of ${bucket}.`);
              },
            })
          }
        />
      )}
      {modal?.kind === 'delete' && (
        <DeleteDialog
          bucket={bucket}
          deleting={remove.isPending}
          error={remove.error?.message}
          onClose={() => setModal(null)}
          onDelete={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                discardText(cache.id);
                setStarted(false);
                setModal(null);
                setNotice(`Deleted the policy of ${bucket}.`);
              },
            })
          }
        />
      )}
      {modal?.kind === 'replace' && <ReplaceDialog template={modal.template} onClose={() => setModal(null)} onReplace={() => insert(modal.template)} />}
      {modal?.kind === 'iam' && <IamPolicyDialog template={modal.template} onClose={() => setModal(null)} />}
    </div>
  );
}

function IntentPicker({ intent, onChange }: { intent: Intent; onChange: (intent: Intent) => void }) {
  return (
    <fieldset className="segmented" title={intentLabels[intent].hint}>
      <legend className="field__label">Check for</legend>
      {(Object.keys(intentLabels) as Intent[]).map((value) => (
        <label key={value} className={value === intent ? 'segmented__option is-checked' : 'segmented__option'}>
          <input type="radio" name="policy-intent" value={value} checked={value === intent} onChange={() => onChange(value)} />
          {intentLabels[value].label[0]!.toUpperCase() + intentLabels[value].label.slice(1)}
        </label>
      ))}
    </fieldset>
  );
}

function EmptyState({
  answer,
  bucket,
  templates,
  onPick,
  onStart,
}: {
  answer: BucketPolicyView;
  bucket: string;
  templates: readonly PolicyTemplate[];
  onPick: (template: PolicyTemplate) => void;
  onStart: () => void;
}) {
  const unsupported = answer.state === 'unsupported';
  const shown = unsupported ? templates.filter((t) => t.kind === 'iam-user-policy') : templates.filter((t) => t.kind === 'bucket-policy');
  return (
    <section className="policy-empty" aria-labelledby="policy-empty-title">
      <h2 id="policy-empty-title" className="state__title">
        {unsupported ? 'This provider has no bucket policy API' : 'No policy yet'}
      </h2>
      <p className="state__detail">
        {unsupported
          ? answer.message
          : `Without a policy only the owner’s credentials (and users’ own IAM policies) reach ${bucket}; anonymous Nix clients get 403 for everything. Start from a template for what the bucket is for:`}
      </p>
      {unsupported && <p className="state__detail">Templates still help: the IAM user policy for an uploader goes into the provider’s console, and you can check a policy here without saving it.</p>}
      <ul className="policy-empty__templates">
        {shown.map((t) => (
          <li key={t.id}>
            <button type="button" className="template-card" onClick={() => onPick(t)} title={t.explanation}>
              <span className="template-card__title">{t.title}</span>
              <span className="template-card__text">{t.explanation}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={onStart}>
        {unsupported ? 'Check a policy anyway' : 'Write one from scratch'}
      </button>
    </section>
  );
}
