import type { FormEvent, KeyboardEvent } from 'react';
import { useId, useRef } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { compressionMethods } from '../../../../shared/api/contract';
import { useView } from '../../app/view-store';
import { Field } from '../../ui/Field';
import { useKeys } from '../keys/queries';
import { SigningKeyOptions } from '../keys/SigningKeyOptions';
import { compressionHints } from '../push/PushPanel';
import type { CompressionChoice, CopyField, CopyRequest } from './copy-form';
import { checkCopyForm, destinationProblem, levelRanges, proposedValues } from './copy-form';
import { useCopyUi } from './copy-store';

/** The order the fields come in, for putting the focus on the first one that is wrong. */
const fieldOrder: CopyField[] = ['from', 'to', 'paths', 'level', 'key'];

/**
 * What to copy, from where to where, and how: the source's bytes kept or recompressed, and a signature
 * added or not. Nothing is sent until every field is right; the errors say what is wrong, per field.
 */
export function CopyForm({ caches, selectedId, onCopy }: { caches: readonly CacheView[]; selectedId: string | undefined; onCopy(request: CopyRequest): void }) {
  const ids = { from: useId(), to: useId(), paths: useId(), compression: useId(), level: useId(), key: useId() };
  const form = useRef<HTMLFormElement>(null);
  const keys = useKeys();
  const show = useView((s) => s.show);
  const ui = useCopyUi();
  const values = proposedValues(ui, caches, selectedId);
  const keyList = keys.data?.keys ?? [];
  const signing = keyList.filter((k) => k.hasSecret);
  const checked = checkCopyForm(values, caches, keyList);
  const errors = ui.attempted ? checked.errors : {};
  const range = values.compression === 'keep' ? undefined : levelRanges[values.compression];
  const from = caches.find((c) => c.id === values.fromId);
  const readOnly = caches.filter((c) => destinationProblem(c));

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    ui.setAttempted(true);
    if (checked.request) {
      ui.setAttempted(false);
      onCopy(checked.request);
      return;
    }
    const first = fieldOrder.find((field) => checked.errors[field]);
    if (first) form.current?.querySelector<HTMLElement>(`#${CSS.escape(ids[first])}`)?.focus();
  };
  // Enter in the paths field is a new line; Ctrl+Enter (⌘+Enter) copies, as in a chat box.
  const pathsKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
  };

  return (
    <section className="copy__form" aria-labelledby="copy-form-title">
      <h2 id="copy-form-title">What to copy</h2>
      <form ref={form} className="copy-form" onSubmit={submit} noValidate>
        <div className="push__option-grid">
          <Field id={ids.from} label="From" error={errors.from} hint={from ? <code className="copy__url">{from.storeUrl}</code> : undefined}>
            {(props) => (
              <select {...props} className="input" value={values.fromId} onChange={(event) => ui.edit({ fromId: event.target.value })}>
                {values.fromId === '' && <option value="">Choose a cache</option>}
                {caches.map((cache) => (
                  <option key={cache.id} value={cache.id}>
                    {cache.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={ids.to}
            label="To"
            error={errors.to}
            hint={readOnly.length > 0 ? `${readOnly.map((c) => c.name).join(', ')}: HTTP, which Narwhal can only read.` : 'An S3 bucket or a folder.'}
          >
            {(props) => (
              <select {...props} className="input" value={values.toId} onChange={(event) => ui.edit({ toId: event.target.value })}>
                {values.toId === '' && <option value="">Choose a cache</option>}
                {caches.map((cache) => (
                  <option key={cache.id} value={cache.id} disabled={!cache.writable}>
                    {cache.name}
                    {cache.writable ? '' : ' (HTTP: read-only)'}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field id={ids.paths} label="Store paths" error={errors.paths} hint="One a line: a store path, its base name (<hash>-<name>) or its hash. Ctrl+Enter copies.">
          {(props) => (
            <textarea
              {...props}
              className="input input--mono copy__paths"
              rows={4}
              spellCheck={false}
              placeholder="/nix/store/…-hello-2.12"
              value={values.pathsText}
              onChange={(event) => ui.edit({ pathsText: event.target.value })}
              onKeyDown={pathsKey}
            />
          )}
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={values.closure} onChange={(event) => ui.edit({ closure: event.target.checked })} />
          <span>
            Include their closure
            <span className="checkbox__hint">Every path they refer to, as the source’s narinfos record it. Without it, the destination must have those already.</span>
          </span>
        </label>
        <div className="push__option-grid">
          <Field id={ids.compression} label="Compression">
            {(props) => (
              <select {...props} className="input" value={values.compression} onChange={(event) => ui.edit({ compression: event.target.value as CompressionChoice })}>
                <option value="keep">Keep as in the source</option>
                {compressionMethods.map((method) => (
                  <option key={method} value={method}>
                    {compressionHints[method]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={ids.level}
            label="Level"
            error={errors.level}
            hint={range ? `${range.min} to ${range.max}; empty for ${range.default}.` : values.compression === 'keep' ? 'The source’s NARs go as they are.' : 'No level without compression.'}
          >
            {(props) => (
              <input
                {...props}
                className="input input--narrow"
                inputMode="numeric"
                value={range ? values.level : ''}
                placeholder={range ? String(range.default) : ''}
                disabled={!range}
                onChange={(event) => ui.edit({ level: event.target.value })}
              />
            )}
          </Field>
        </div>
        {/* Half the width, under Compression, as From and To. */}
        <div className="push__option-grid">
          <Field
            id={ids.key}
            label="Sign with"
            error={errors.key ?? (keys.error ? `could not read your keys: ${keys.error.message}` : undefined)}
            hint={
              values.keyChoice === 'none' ? (
                <>
                  The source’s signatures are kept either way.
                  {!keys.isPending && !signing.some((k) => k.secretAvailable) && (
                    <>
                      {' '}
                      <button type="button" className="link-button" onClick={() => show('keys')}>
                        Generate or import a key in Keys
                      </button>{' '}
                      to add your own.
                    </>
                  )}
                </>
              ) : (
                'Its signature is added to the source’s.'
              )
            }
          >
            {(props) => (
              <select {...props} className="input" value={values.keyChoice} onChange={(event) => ui.edit({ keyChoice: event.target.value })} disabled={keys.isPending}>
                <option value="none">No new signature</option>
                <SigningKeyOptions keys={signing} />
              </select>
            )}
          </Field>
        </div>
        <div className="push__actions">
          <button type="submit" className="button button--primary" disabled={keys.isPending}>
            Copy
          </button>
          {ui.attempted && !checked.request && (
            <span className="push__warning" role="alert">
              Fix what is marked above first.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
