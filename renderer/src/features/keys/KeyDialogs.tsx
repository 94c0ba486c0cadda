import type { ReactNode } from 'react';
import { useId, useRef, useState } from 'react';
import type { CacheView, KeyView } from '../../../../shared/api/contract';
import { suggestKeyName } from '../../../../shared/keys/snippets';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import { downloadPublicKey } from './download';
import { suggestedSecretPath } from './key-format';
import { useKeysUi } from './keys-store';
import { useExportSecret, useGenerateKey, useImportPublicKey, useImportSecretKey, useKeys, useRemoveKey } from './queries';

/** The key dialogs; one at a time, chosen by the keys UI store. */
export function KeyDialogs({ cache, existingNames }: { cache: CacheView | undefined; existingNames: string[] }) {
  const dialog = useKeysUi((s) => s.dialog);
  if (!dialog) return null;
  if (dialog.kind === 'generate') return <GenerateDialog suggested={suggestKeyName(cache?.config, existingNames)} />;
  if (dialog.kind === 'import') return <ImportDialog what={dialog.what} />;
  return <RemoveDialog keyId={dialog.keyId} />;
}

/** After a key is made or imported: its public half, ready to copy. */
function KeyResult({ keyView, verb }: { keyView: KeyView; verb: string }) {
  const close = useKeysUi((s) => s.close);
  return (
    <>
      <div className="dialog__body">
        <p role="status">
          {verb} <strong>{keyView.name}</strong>. Its public key:
        </p>
        <pre className="keys__public" aria-label="Public key">{keyView.publicKey}</pre>
        <div className="keys__inline-actions">
          <CopyButton text={keyView.publicKey} what="public key" />
        </div>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" data-autofocus onClick={close}>
          Done
        </button>
      </div>
    </>
  );
}

/**
 * A key form that turns into its result: the public key of what was made or imported.
 *
 * Like every form here, the primary button stays enabled: submitting what is not valid yet shows the
 * error next to the field and puts the focus there, rather than a disabled button that says nothing.
 */
function KeyFormDialog({
  title,
  verb,
  result,
  busy,
  invalid,
  submitLabel,
  onSubmit,
  children,
}: {
  title: string;
  verb: string;
  result: KeyView | undefined;
  busy: boolean;
  /** What is wrong with the input before it is sent, if anything; `onSubmit` is called only when undefined. */
  invalid: string | undefined;
  submitLabel: string;
  onSubmit: () => void;
  children: (shownError: string | undefined) => ReactNode;
}) {
  const close = useKeysUi((s) => s.close);
  const formRef = useRef<HTMLFormElement>(null);
  const [tried, setTried] = useState(false);
  return (
    <Dialog title={title} onClose={close} focusKey={result ? 'done' : 'form'}>
      {result ? (
        <KeyResult keyView={result} verb={verb} />
      ) : (
        <form
          ref={formRef}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setTried(true);
            if (invalid) formRef.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
            else onSubmit();
          }}
        >
          <div className="dialog__body">{children(tried ? invalid : undefined)}</div>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={busy}>
              {submitLabel}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function GenerateDialog({ suggested }: { suggested: string }) {
  const [name, setName] = useState(suggested);
  const generate = useGenerateKey();
  return (
    <KeyFormDialog
      title="Generate a signing key"
      verb="Generated"
      result={generate.data}
      busy={generate.isPending}
      invalid={name.trim() ? undefined : 'A key needs a name.'}
      submitLabel="Generate"
      onSubmit={() => generate.mutate(name)}
    >
      {(invalid) => (
        <Field
          id="key-name"
          label="Key name"
          hint="Nix's convention: the cache's host name and a number, bumped when you rotate the key."
          error={invalid ?? generate.error?.message}
        >
          {(props) => <input {...props} className="input" value={name} data-autofocus onChange={(e) => setName(e.target.value)} />}
        </Field>
      )}
    </KeyFormDialog>
  );
}

function ImportDialog({ what }: { what: 'secret' | 'public' }) {
  const [text, setText] = useState('');
  const importSecret = useImportSecretKey();
  const importPublic = useImportPublicKey();
  const mutation = what === 'secret' ? importSecret : importPublic;
  return (
    <KeyFormDialog
      title={what === 'secret' ? 'Import a secret key' : 'Import a public key'}
      verb="Imported"
      result={mutation.data}
      busy={mutation.isPending}
      invalid={text.trim() ? undefined : what === 'secret' ? 'Paste a secret key or choose its file.' : 'Paste a public key.'}
      submitLabel="Import"
      onSubmit={() => mutation.mutate(text)}
    >
      {(invalid) => (
        <>
          <Field
            id="key-text"
            label={what === 'secret' ? 'Secret key' : 'Public key'}
            hint={
              what === 'secret'
                ? 'Paste the contents of a key file made by nix key generate-secret (name:base64), or choose the file. It is stored by the main process; this page never sees it again.'
                : 'Paste a key as it appears in trusted-public-keys (name:base64).'
            }
            error={invalid ?? mutation.error?.message}
          >
            {(props) => (
              <textarea
                {...props}
                className="input input--mono keys__key-input"
                rows={4}
                value={text}
                data-autofocus
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => setText(e.target.value)}
              />
            )}
          </Field>
          <label className="button button--small keys__file">
            Choose file…
            <input
              type="file"
              className="visually-hidden"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) void file.text().then(setText);
              }}
            />
          </label>
        </>
      )}
    </KeyFormDialog>
  );
}

function RemoveDialog({ keyId }: { keyId: string }) {
  const close = useKeysUi((s) => s.close);
  const key = useKeys().data?.keys.find((k) => k.id === keyId);
  const remove = useRemoveKey();
  if (!key) return null;
  return (
    <Dialog title={`Delete ${key.name}?`} onClose={close}>
      <div className="dialog__body">
        {key.hasSecret ? (
          <p>
            This deletes the secret key. Paths already signed with it stay valid for clients that trust <code>{key.name}</code>, but nothing can be signed with
            it again. Keep a copy if you may need it.
          </p>
        ) : (
          <p>Narwhal will no longer use this public key to verify signatures. Keep a copy if you may want it back.</p>
        )}
        <KeepACopy keyView={key} />
        {remove.error && <p className="field__error">{remove.error.message}</p>}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" data-autofocus onClick={close}>
          Cancel
        </button>
        <button type="button" className="button button--danger" disabled={remove.isPending} onClick={() => remove.mutate(key.id, { onSuccess: close })}>
          Delete key
        </button>
      </div>
    </Dialog>
  );
}

/**
 * The ways to keep a copy before deleting: the public key (copy or download, the page has it) and,
 * for a signing key, its secret saved to a file by the main process; the page only names the file.
 */
function KeepACopy({ keyView }: { keyView: KeyView }) {
  const uid = useId();
  const [path, setPath] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const exportSecret = useExportSecret();
  const pathRef = useRef<HTMLInputElement>(null);
  return (
    <section className="keys__keep" aria-label="Keep a copy">
      <div className="keys__inline-actions">
        <CopyButton text={keyView.publicKey} label="Copy public key" what={`of ${keyView.name}`} />
        <button type="button" className="button button--small" onClick={() => downloadPublicKey(keyView)}>
          Download public key
        </button>
        {keyView.hasSecret && keyView.secretAvailable && path === null && (
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              setPath(suggestedSecretPath(keyView));
              // The field appears on this render; focus it on the next frame so the user can edit the suggestion.
              requestAnimationFrame(() => pathRef.current?.select());
            }}
          >
            Save secret key to a file…
          </button>
        )}
      </div>
      {keyView.hasSecret && !keyView.secretAvailable && (
        <p className="field__hint">The secret of {keyView.name} is encrypted with the desktop app&apos;s keychain: save a copy from the desktop app.</p>
      )}
      {path !== null && (
        <form
          className="keys__export"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            setTried(true);
            if (path.trim() === '') pathRef.current?.focus();
            else exportSecret.mutate({ keyId: keyView.id, path: path.trim() });
          }}
        >
          <Field
            id={`${uid}-secret-path`}
            label="Save secret key to"
            hint="A new file (never overwritten) in a folder that exists; ~/ is your home folder. Written by Narwhal with mode 0600."
            error={tried && path.trim() === '' ? 'Give a file to save the secret key to.' : exportSecret.error?.message}
          >
            {(props) => (
              <div className="input-row">
                <input
                  {...props}
                  ref={pathRef}
                  className="input input--mono"
                  value={path}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => {
                    setPath(e.target.value);
                    if (!exportSecret.isPending) exportSecret.reset();
                  }}
                />
                <button type="submit" className="button" disabled={exportSecret.isPending}>
                  {exportSecret.isPending ? 'Saving…' : 'Save'}
                </button>
              </div>
            )}
          </Field>
          {exportSecret.data && (
            <p className="message message--ok" role="status">
              Saved the secret key to <code className="wrap">{exportSecret.data.path}</code> (mode 0600).
            </p>
          )}
        </form>
      )}
    </section>
  );
}
