import type { FormEvent } from 'react';
import { useId, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { Dialog } from '../../ui/Dialog';
import { formatDuration } from '../../ui/format';
import { problemLook } from './problems';
import { useCacheTest, useInitialiseCache } from './queries';

/** What cache.nixos.org announces; a lower number is tried first, so pick below 40 to win over it. */
const defaultPriority = 40;

export function InitialiseDialog({ cache, onClose }: { cache: CacheView; onClose: () => void }) {
  const uid = useId();
  const test = useCacheTest(cache);
  // Re-initialising an existing cache rewrites its nix-cache-info: start from what it says now.
  const current = test.data?.status === 'ok' ? test.data.info : undefined;
  const [wantMassQuery, setWantMassQuery] = useState(current?.wantMassQuery ?? true);
  const [priority, setPriority] = useState(String(current?.priority ?? defaultPriority));
  const initialise = useInitialiseCache(cache);
  const priorityNumber = Number(priority);
  const priorityValid = priority.trim() !== '' && Number.isInteger(priorityNumber) && priorityNumber >= 0 && priorityNumber <= 1000;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (priorityValid) initialise.mutate({ wantMassQuery, priority: priorityNumber });
  }

  if (initialise.isSuccess) {
    const info = initialise.data;
    return (
      <Dialog title={`Initialised ${cache.name}`} onClose={onClose} focusKey="done">
        <div className="dialog__body">
          <p className="message message--ok" role="status">
            Wrote nix-cache-info: StoreDir {info.storeDir}, WantMassQuery {info.wantMassQuery ? 'yes' : 'no'}, Priority {info.priority}.
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
    <Dialog title={`Initialise ${cache.name}`} onClose={onClose} focusKey="form">
      <form onSubmit={onSubmit} noValidate>
        <div className="dialog__body">
          <p>
            Writes <code>nix-cache-info</code> to <code className="wrap">{cache.storeUrl}</code>
            {cache.config.kind === 's3' ? ', creating the bucket if it does not exist' : cache.config.kind === 'file' ? ', creating the folder if it does not exist' : ''}.
            Nothing else in it changes.
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={wantMassQuery} onChange={(e) => setWantMassQuery(e.target.checked)} />
            <span>
              WantMassQuery
              <span className="checkbox__hint">Let Nix ask this cache about many paths at once (for example during nix-env -qa).</span>
            </span>
          </label>
          <div className={priorityValid ? 'field' : 'field field--invalid'}>
            <label className="field__label" htmlFor={`${uid}-priority`}>
              Priority
            </label>
            <input
              id={`${uid}-priority`}
              className="input input--narrow"
              type="number"
              min={0}
              max={1000}
              value={priority}
              aria-invalid={!priorityValid}
              aria-describedby={`${uid}-priority-hint`}
              data-autofocus
              onChange={(e) => setPriority(e.target.value)}
            />
            <div className="field__hint" id={`${uid}-priority-hint`}>
              Lower is tried first; cache.nixos.org has 40. A whole number from 0 to 1000.
            </div>
            {!priorityValid && <div className="field__error">Priority: a whole number from 0 to 1000.</div>}
          </div>
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
          <button type="submit" className="button button--primary" disabled={!priorityValid || initialise.isPending}>
            {initialise.isPending ? 'Initialising…' : 'Initialise'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
