import { useId, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import type { LifecycleRule } from '../../../../shared/bucket/lifecycle-rules';
import { analyseLifecycle, lifecycleProblems } from '../../../../shared/bucket/lifecycle-rules';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import type { FormErrors, RuleForm } from './lifecycle-text';
import { describeActions, describeFilter, formOf, ruleFromForm, ruleLabel } from './lifecycle-text';
import type { PendingChange } from './LifecycleRules';
import { useSaveLifecycle } from './queries';

/** Add or edit one rule; "Review" checks the whole new configuration and hands it to the confirmation. */
export function RuleDialog({ rules, index, onClose, onReview }: { rules: LifecycleRule[]; index: number | null; onClose: () => void; onReview: (change: PendingChange) => void }) {
  const base = index === null ? undefined : rules[index];
  const [form, setForm] = useState<RuleForm>(() => formOf(base));
  const [errors, setErrors] = useState<FormErrors>({});
  const [problems, setProblems] = useState<string[]>([]);
  const id = useId();
  const set = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const extra = base && ((base.filter.tags?.length ?? 0) > 0 || base.filter.sizeGreaterThan !== undefined || base.filter.sizeLessThan !== undefined || base.expirationDate || base.transitions?.length || base.noncurrentTransitions?.length);

  const review = () => {
    const result = ruleFromForm(form, base);
    setErrors(result.errors);
    if (!result.rule) return;
    const next = index === null ? [...rules, result.rule] : rules.map((r, i) => (i === index ? result.rule! : r));
    const found = lifecycleProblems(next);
    setProblems(found.map((p) => p.message));
    if (found.length) return;
    const name = ruleLabel(result.rule, index ?? next.length - 1);
    onReview({
      title: index === null ? `Add ${name}?` : `Save ${name}?`,
      summary: `${name}: ${describeActions(result.rule).join('; ') || 'no action'}, on ${describeFilter(result.rule)}${result.rule.enabled ? '' : ' (disabled)'}.`,
      rules: next,
      confirmLabel: index === null ? 'Add rule' : 'Save rule',
    });
  };

  const days = (field: 'expirationDays' | 'noncurrentExpirationDays' | 'abortIncompleteUploadDays', label: string, hint: string) => (
    <Field id={`${id}-${field}`} label={label} hint={hint} error={errors[field]}>
      {(p) => <input {...p} className="input lifecycle-days" inputMode="numeric" placeholder="days" value={form[field]} onChange={(e) => set({ [field]: e.target.value })} />}
    </Field>
  );

  return (
    <Dialog title={index === null ? 'Add a lifecycle rule' : `Edit ${ruleLabel(base!, index)}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          review();
        }}
      >
        <div className="dialog__body">
          <Field id={`${id}-id`} label="Rule ID" hint="Optional; a name to tell rules apart." error={errors.id}>
            {(p) => <input {...p} className="input" value={form.id} onChange={(e) => set({ id: e.target.value })} data-autofocus />}
          </Field>
          <Field id={`${id}-prefix`} label="Applies to keys starting with" hint="Empty: the whole bucket. NARs are under nar/, narinfos at the top.">
            {(p) => <input {...p} className="input" value={form.prefix} placeholder="(the whole bucket)" onChange={(e) => set({ prefix: e.target.value })} />}
          </Field>
          {days('abortIncompleteUploadDays', 'Abort incomplete uploads after', 'Parts of uploads a killed push left behind; always safe.')}
          {days('expirationDays', 'Delete objects after', 'Deletes NARs and narinfos independently: clients then fail on paths whose NAR is gone.')}
          {days('noncurrentExpirationDays', 'Delete old versions after', 'Versioned buckets only: replaced versions, never the current one.')}
          <label className="lifecycle-check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
          </label>
          {extra && <p className="field__hint">This rule also has settings this form does not show (tags, sizes, a date or storage transitions); they are kept.</p>}
          {problems.length > 0 && (
            <div className="message message--error" role="alert">
              <ul className="message__list">
                {problems.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary">
            Review…
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The last step of every change: what it does, the warnings of the configuration it leaves, then the write. */
export function LifecycleChangeDialog({ cache, change, previous, onClose }: { cache: CacheView; change: PendingChange; previous: LifecycleRule[]; onClose: () => void }) {
  const save = useSaveLifecycle(cache);
  const warnings = analyseLifecycle(change.rules).filter((f) => f.severity === 'warning');
  return (
    <Dialog title={change.title} onClose={onClose} focusKey={change.title}>
      <div className="dialog__body">
        <p>{change.summary}</p>
        {warnings.map((w) => (
          <div key={`${w.rule}-${w.code}`} className="message message--warning" role="note">
            {w.message}
          </div>
        ))}
        <p className="field__hint">
          The bucket keeps {change.rules.length} rule{change.rules.length === 1 ? '' : 's'} afterwards. If its rules changed since you opened this screen, nothing is written
          and the current ones are shown.
        </p>
        {save.error && (
          <p className="message message--error" role="alert">
            Not saved: {save.error.message}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={change.danger ? 'button button--danger' : 'button button--primary'}
          disabled={save.isPending}
          onClick={() => save.mutate({ rules: change.rules, previous }, { onSuccess: onClose })}
        >
          {save.isPending ? 'Saving…' : change.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
