import type { ChangeEvent, FormEvent } from 'react';
import { useId, useMemo, useRef, useState } from 'react';
import type { AwsProfile, CacheView } from '../../../../shared/api/contract';
import type { CacheKind } from '../../../../shared/caches/config';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import { WrappingUrl } from '../../ui/WrappingUrl';
import type { CacheFormState, FormField } from './cache-form';
import { emptyForm, fieldLabels, formFromConfig, importStoreUrl, previewStoreUrl, validateForm } from './cache-form';
import { useAwsProfiles, useSaveCache } from './queries';

const kinds: Array<{ kind: CacheKind; label: string; detail: string }> = [
  { kind: 's3', label: 'S3 bucket', detail: 'AWS or any S3-compatible server' },
  { kind: 'file', label: 'Local folder', detail: 'A directory on this machine' },
  { kind: 'http', label: 'HTTP(S) read-only', detail: 'A cache served over the web' },
];

const profileKinds: Record<AwsProfile['kind'], string> = {
  static: 'access keys',
  sso: 'SSO',
  process: 'credential process',
  role: 'assumed role',
  'web-identity': 'web identity',
  other: 'other',
};

const fieldOrder: FormField[] = ['name', 'kind', 'bucket', 'region', 'endpoint', 'scheme', 'profile', 'addressingStyle', 'path', 'url'];

/** `startWith: 'import'` opens the form with the focus in the store URL box (the empty state's "Import store URL…"). */
export function CacheFormDialog({ cache, onClose, startWith = 'form' }: { cache?: CacheView | undefined; onClose: () => void; startWith?: 'form' | 'import' }) {
  const uid = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<CacheFormState>(() => (cache ? { ...formFromConfig(cache.config), name: cache.name } : emptyForm()));
  const [importUrl, setImportUrl] = useState('');
  const [imported, setImported] = useState<{ warnings: string[] } | { error: string } | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const validation = useMemo(() => validateForm(form), [form]);
  const errors = submitted && !validation.ok ? validation.errors : {};
  const save = useSaveCache();
  const profiles = useAwsProfiles(form.kind === 's3');
  const preview = previewStoreUrl(form);

  const id = (field: string) => `${uid}-${field}`;
  const set = (field: FormField) => (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((old) => ({ ...old, [field]: event.target.value }));

  function runImport() {
    const result = importStoreUrl(form, importUrl);
    if (result.ok) {
      setForm(result.form);
      setImported({ warnings: result.warnings });
    } else {
      setImported({ error: result.error });
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!validation.ok) {
      const first = fieldOrder.find((field) => validation.errors[field]);
      if (first) formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(id(first))}`)?.focus();
      return;
    }
    save.mutate({ cacheId: cache?.id, name: validation.name, config: validation.config }, { onSuccess: onClose });
  }

  const knownProfile = form.profile === '' || profiles.data?.profiles.some((p) => p.name === form.profile);

  return (
    <Dialog title={cache ? `Edit ${cache.name}` : 'Add a cache'} onClose={onClose} wide>
      <form ref={formRef} className="cache-form" onSubmit={onSubmit} noValidate>
        <div className="import-box">
          <Field
            id={id('import')}
            label="Import from Nix store URL"
            hint="Paste what you give nix copy --to, e.g. s3://my-cache?region=eu-west-1 or file:///srv/cache"
          >
            {(props) => (
              <div className="input-row">
                <input
                  {...props}
                  className="input input--mono"
                  value={importUrl}
                  spellCheck={false}
                  placeholder="s3://bucket?region=…&profile=…"
                  data-autofocus={startWith === 'import' ? true : undefined}
                  onChange={(e) => setImportUrl(e.target.value)}
                  onKeyDown={(e) => {
                    // Enter here imports; it must not save a half-filled form.
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      runImport();
                    }
                  }}
                />
                <button type="button" className="button" onClick={runImport}>
                  Import
                </button>
              </div>
            )}
          </Field>
          {imported && 'error' in imported && (
            <p className="message message--error" role="alert">
              {imported.error}
            </p>
          )}
          {imported && 'warnings' in imported && (
            <div className={imported.warnings.length ? 'message message--warning' : 'message message--ok'} role="status">
              {imported.warnings.length ? 'Imported, with warnings. Check the fields below, then save.' : 'Imported. Check the fields below, then save.'}
              {imported.warnings.length > 0 && (
                <ul className="message__list" aria-label="Import warnings">
                  {imported.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>

        <Field id={id('name')} label={fieldLabels.name} error={errors.name}>
          {(props) => <input {...props} className="input" value={form.name} onChange={set('name')} data-autofocus={startWith === 'form' ? true : undefined} />}
        </Field>

        <fieldset className="kind-picker">
          <legend className="field__label">Kind</legend>
          <div className="kind-picker__options">
            {kinds.map(({ kind, label, detail }) => (
              <label key={kind} className={form.kind === kind ? 'kind-option kind-option--checked' : 'kind-option'}>
                <input type="radio" name={id('kind')} value={kind} checked={form.kind === kind} onChange={() => setForm((old) => ({ ...old, kind }))} />
                <span className="kind-option__label">{label}</span>
                <span className="kind-option__detail">{detail}</span>
              </label>
            ))}
          </div>
        </fieldset>

        {form.kind === 's3' && (
          <div className="form-grid">
            <Field id={id('bucket')} label={fieldLabels.bucket} error={errors.bucket}>
              {(props) => <input {...props} className="input" value={form.bucket} onChange={set('bucket')} spellCheck={false} />}
            </Field>
            <Field id={id('region')} label={fieldLabels.region} error={errors.region} hint="Empty means us-east-1, as Nix assumes.">
              {(props) => <input {...props} className="input" value={form.region} onChange={set('region')} placeholder="us-east-1" spellCheck={false} />}
            </Field>
            <Field id={id('endpoint')} label={fieldLabels.endpoint} error={errors.endpoint} hint="Host[:port] of an S3-compatible server; empty for AWS.">
              {(props) => <input {...props} className="input" value={form.endpoint} onChange={set('endpoint')} placeholder="minio.example.org:9000" spellCheck={false} />}
            </Field>
            <Field id={id('scheme')} label={fieldLabels.scheme} error={errors.scheme}>
              {(props) => (
                <select {...props} className="input" value={form.scheme} onChange={set('scheme')}>
                  <option value="">Default (https)</option>
                  <option value="https">https</option>
                  <option value="http">http</option>
                </select>
              )}
            </Field>
            <Field
              id={id('profile')}
              label={fieldLabels.profile}
              error={errors.profile}
              hint={
                profiles.error
                  ? `Could not read AWS profiles: ${profiles.error.message}`
                  : profiles.data
                    ? `From ${profiles.data.configFile} and ${profiles.data.credentialsFile}. Keys stay in those files.`
                    : 'Reading AWS profiles…'
              }
            >
              {(props) => (
                <select {...props} className="input" value={form.profile} onChange={set('profile')}>
                  <option value="">Default credential chain</option>
                  {profiles.data?.profiles.map((p) => (
                    <option key={p.name} value={p.name}>
                      {p.name} — {p.region ?? 'no region'} · {profileKinds[p.kind]}
                    </option>
                  ))}
                  {!knownProfile && <option value={form.profile}>{form.profile} — not in your AWS files</option>}
                </select>
              )}
            </Field>
            <Field id={id('addressingStyle')} label={fieldLabels.addressingStyle} error={errors.addressingStyle}>
              {(props) => (
                <select {...props} className="input" value={form.addressingStyle} onChange={set('addressingStyle')}>
                  <option value="">Default (path with an endpoint)</option>
                  <option value="auto">auto</option>
                  <option value="path">path</option>
                  <option value="virtual">virtual</option>
                </select>
              )}
            </Field>
          </div>
        )}
        {form.kind === 'file' && (
          <Field id={id('path')} label={fieldLabels.path} error={errors.path} hint="An absolute path. Initialise creates it if it does not exist.">
            {(props) => <input {...props} className="input input--mono" value={form.path} onChange={set('path')} placeholder="/srv/nix-cache" spellCheck={false} />}
          </Field>
        )}
        {form.kind === 'http' && (
          <Field id={id('url')} label={fieldLabels.url} error={errors.url} hint="Narwhal can read an HTTP cache but not list or change it.">
            {(props) => <input {...props} className="input input--mono" value={form.url} onChange={set('url')} placeholder="https://cache.example.org" spellCheck={false} />}
          </Field>
        )}

        {form.settings.length > 0 && (
          <div className="settings-list">
            <span className="field__label">Other Nix settings (kept as they are)</span>
            <ul aria-label="Other Nix settings">
              {form.settings.map(([key, value], index) => (
                <li key={`${key}-${index}`} className="setting-chip">
                  <code>
                    {key}={value}
                  </code>
                  <button
                    type="button"
                    className="icon-button icon-button--small"
                    aria-label={`Drop setting ${key}`}
                    onClick={() => setForm((old) => ({ ...old, settings: old.settings.filter((_, i) => i !== index) }))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}

        {submitted && !validation.ok && (
          <p className="message message--error" role="alert">
            {Object.keys(validation.errors).length === 1 ? 'One field needs' : `${Object.keys(validation.errors).length} fields need`} fixing before saving.
          </p>
        )}
        {save.error && (
          <p className="message message--error" role="alert">
            Could not save: {save.error.message}
          </p>
        )}

        <div className="dialog__actions dialog__actions--preview">
          <div className="url-preview">
            <span className="field__label" id={id('preview-label')}>
              Store URL
            </span>
            <output className="url-preview__value" aria-labelledby={id('preview-label')}>
              {preview ? <WrappingUrl url={preview} /> : '—'}
            </output>
          </div>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : cache ? 'Save changes' : 'Add cache'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
