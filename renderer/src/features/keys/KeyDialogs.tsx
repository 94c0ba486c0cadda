import type { ReactNode } from 'react';
import { useState } from 'react';
import type { CacheView, KeyView } from '../../../../shared/api/contract';
import { suggestKeyName } from '../../../../shared/keys/snippets';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { Field } from '../../ui/Field';
import { useKeysUi } from './keys-store';
import { useGenerateKey, useImportPublicKey, useImportSecretKey, useKeys, useRemoveKey } from './queries';

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
        <CopyButton text={keyView.publicKey} what="public key" />
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--primary" data-autofocus onClick={close}>
          Done
        </button>
      </div>
    </>
  );
}

/** A key form that turns into its result: the public key of what was made or imported. */
function KeyFormDialog({
  title,
  verb,
  result,
  busy,
  canSubmit,
  submitLabel,
  onSubmit,
  children,
}: {
  title: string;
  verb: string;
  result: KeyView | undefined;
  busy: boolean;
  canSubmit: boolean;
  submitLabel: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const close = useKeysUi((s) => s.close);
  return (
    <Dialog title={title} onClose={close} focusKey={result ? 'done' : 'form'}>
      {result ? (
        <KeyResult keyView={result} verb={verb} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          <div className="dialog__body">{children}</div>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={busy || !canSubmit}>
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
      canSubmit={Boolean(name.trim())}
      submitLabel="Generate"
      onSubmit={() => generate.mutate(name)}
    >
      <Field id="key-name" label="Key name" hint="Nix's convention: the cache's host name and a number, bumped when you rotate the key." error={generate.error?.message}>
        {(props) => <input {...props} className="input" value={name} data-autofocus onChange={(e) => setName(e.target.value)} />}
      </Field>
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
      canSubmit={Boolean(text.trim())}
      submitLabel="Import"
      onSubmit={() => mutation.mutate(text)}
    >
      <Field
        id="key-text"
        label={what === 'secret' ? 'Secret key' : 'Public key'}
        hint={
          what === 'secret'
            ? 'Paste the contents of a key file made by nix key generate-secret (name:base64), or choose the file. It is stored by the main process; this page never sees it again.'
            : 'Paste a key as it appears in trusted-public-keys (name:base64).'
        }
        error={mutation.error?.message}
      >
        {(props) => <textarea {...props} className="input input--mono" rows={3} value={text} data-autofocus spellCheck={false} autoComplete="off" onChange={(e) => setText(e.target.value)} />}
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
          <p>Narwhal will no longer use this public key to verify signatures.</p>
        )}
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
