import type { FormEvent } from 'react';
import { useId, useRef, useState } from 'react';
import type { CacheInfo, CacheView } from '../../../../shared/api/contract';
import { Dialog } from '../../ui/Dialog';
import { formatDuration } from '../../ui/format';
import { WrappingUrl } from '../../ui/WrappingUrl';
import type { InitialiseForm as FormState } from './initialise-plan';
import { initialForm, planInitialise } from './initialise-plan';
import { problemLook } from './problems';
import { useCacheTest, useInitialiseCache } from './queries';

export function InitialiseDialog({ cache, onClose }: { cache: CacheView; onClose: () => void }) {
  const test = useCacheTest(cache);
  const initialise = useInitialiseCache(cache);
  // Re-initialising must start from what nix-cache-info says now, so wait for the test to read it.
  const reading = test.isFetching && !initialise.isSuccess && !initialise.isPending;
  const current = test.data?.status === 'ok' ? test.data.info : undefined;

  if (initialise.isSuccess) {
    const info = initialise.data;
    return (
      <Dialog title={`Initialised ${cache.name}`} onClose={onClose} focusKey="done">
        <div className="dialog__body">
          <p className="message message--ok" role="status">
            Wrote nix-cache-info: StoreDir {info.storeDir}, WantMassQuery {info.wantMassQuery === undefined ? 'unset' : info.wantMassQuery ? 'yes' : 'no'}, Priority{' '}
            {info.priority ?? 'unset'}.
          </p>
          <p className="retest" role="status" aria-label="Re-test">
            {test.isFetching
              ? 'Re-testing the cache…'
              : test.data?.status === 'ok'
                ? `Re-test: Nix cache OK (${formatDuration(test.data.elapsedMs)}).`
                : test.data
                  ? `Re-test: ${problemLook(test.data.code, cache.writable).title}. ${test.data.message}`
                  : test.error
                    ? `Re-test failed: ${test.error.message}`
                    : ''}
          </p>
        </div>
        <div className="dialog__actions">
          <button type="button" className="button button--primary" onClick={onClose} data-autofocus>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={`Initialise ${cache.name}`} onClose={onClose} focusKey={reading ? 'reading' : 'form'}>
      {reading ? (
        <>
          <div className="dialog__body">
            <p role="status">
              <span className="spinner" aria-hidden="true" /> Reading the current nix-cache-info…
            </p>
          </div>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose} data-autofocus>
              Cancel
            </button>
          </div>
        </>
      ) : (
        <InitialiseForm cache={cache} current={current} initialise={initialise} onClose={onClose} />
      )}
    </Dialog>
  );
}

/** The form, started from the cache's current nix-cache-info (or from defaults for a new cache). */
function InitialiseForm({
  cache,
  current,
  initialise,
  onClose,
}: {
  cache: CacheView;
  current: CacheInfo | undefined;
  initialise: ReturnType<typeof useInitialiseCache>;
  onClose: () => void;
}) {
  const uid = useId();
  const priorityRef = useRef<HTMLInputElement>(null);
  const [form, setForm] = useState<FormState>(() => initialForm(current));
  const [tried, setTried] = useState(false);
  const plan = planInitialise(current, form);
  const priorityError = tried && !plan.ok ? plan.error : undefined;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setTried(true);
    if (!plan.ok) priorityRef.current?.focus();
    else initialise.mutate(plan.request);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <div className="dialog__body">
        <p>
          Writes <code>nix-cache-info</code> to{' '}
          <code>
            <WrappingUrl url={cache.storeUrl} />
          </code>
          {cache.config.kind === 's3' ? ', creating the bucket if it does not exist' : cache.config.kind === 'file' ? ', creating the folder if it does not exist' : ''}.
          Nothing else in it changes.
        </p>
        {current && (
          <p className="initialise__current" aria-label="Current nix-cache-info">
            It has a nix-cache-info now: StoreDir <code>{current.storeDir}</code>, WantMassQuery{' '}
            {current.wantMassQuery === undefined ? 'unset' : current.wantMassQuery ? 'yes' : 'no'}, Priority {current.priority ?? 'unset'}.
          </p>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={form.wantMassQuery} onChange={(e) => setForm((old) => ({ ...old, wantMassQuery: e.target.checked }))} />
          <span>
            WantMassQuery
            <span className="checkbox__hint">Let Nix ask this cache about many paths at once (for example during nix-env -qa).</span>
          </span>
        </label>
        <div className={priorityError ? 'field field--invalid' : 'field'}>
          <label className="field__label" htmlFor={`${uid}-priority`}>
            Priority
          </label>
          <input
            ref={priorityRef}
            id={`${uid}-priority`}
            className="input input--narrow"
            type="number"
            min={0}
            max={1000}
            value={form.priority}
            placeholder={current ? 'unset' : undefined}
            aria-invalid={Boolean(priorityError)}
            aria-describedby={`${uid}-priority-hint${priorityError ? ` ${uid}-priority-error` : ''}`}
            data-autofocus
            onChange={(e) => setForm((old) => ({ ...old, priority: e.target.value }))}
          />
          <div className="field__hint" id={`${uid}-priority-hint`}>
            Lower is tried first; cache.nixos.org has 40, and Nix uses 50 when it is unset. A whole number from 0 to 1000
            {current?.priority === undefined && current ? ', or empty to leave it unset' : ''}.
          </div>
          {priorityError && (
            <div className="field__error" id={`${uid}-priority-error`}>
              Priority: {priorityError}
            </div>
          )}
        </div>
        {current && plan.ok && (
          <div className={plan.changes.length ? 'message message--warning' : 'message message--ok'} role="status" aria-label="What changes">
            {plan.changes.length === 0 ? (
              'Nothing changes: nix-cache-info keeps its current values.'
            ) : (
              <>
                This changes:
                <ul className="message__list">
                  {plan.changes.map((change) => (
                    <li key={change.field}>
                      {change.field}: {change.from} → {change.to}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {initialise.error && (
          <p className="message message--error" role="alert">
            Could not initialise: {initialise.error.message}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={initialise.isPending}>
          {initialise.isPending ? 'Initialising…' : 'Initialise'}
        </button>
      </div>
    </form>
  );
}
