import { CopyButton } from '../../ui/CopyButton';
import { useSelectedCache } from '../caches/queries';
import { KeyDialogs } from './KeyDialogs';
import { downloadPublicKey } from './download';
import { keyRole, shortKey, snippetKey } from './key-format';
import { useKeysUi } from './keys-store';
import { useKeys } from './queries';
import { SnippetsPanel } from './SnippetsPanel';
import { TrustedKeys } from './TrustedKeys';
import './keys.css';

/**
 * Signing keys and keys to verify with. Secrets stay in the main process: this screen gets names and
 * public keys, and says how the secrets are stored.
 */
export function KeysScreen() {
  const keys = useKeys();
  const cache = useSelectedCache();
  const { open, selectedKeyId, select } = useKeysUi();
  const list = keys.data?.keys ?? [];
  const shown = snippetKey(list, selectedKeyId);

  return (
    <main className="main keys" aria-label="Keys">
      <header className="keys__header">
        <h1>Keys</h1>
        <div className="keys__actions">
          <button type="button" className="button button--primary" onClick={() => open({ kind: 'generate' })}>
            Generate key…
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'import', what: 'secret' })}>
            Import secret key…
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'import', what: 'public' })}>
            Import public key…
          </button>
        </div>
      </header>
      <div className="keys__body">
        {keys.data && (
          <p className={keys.data.storage.encrypted ? 'message message--ok' : 'message message--warning'} role="note">
            <strong>{keys.data.storage.encrypted ? 'Secret keys are encrypted.' : 'Secret keys are not encrypted.'}</strong> {keys.data.storage.description}
          </p>
        )}
        {keys.error && <p className="state state--error">Could not read your keys: {keys.error.message}</p>}

        <section aria-labelledby="own-keys">
          <h2 id="own-keys">Your keys</h2>
          {keys.isSuccess && list.length === 0 ? (
            <div className="state">
              <p className="state__title">No keys yet</p>
              <p className="state__detail">
                Generate a signing key so what you push to a cache is signed; clients that trust its public key will substitute from it.
              </p>
            </div>
          ) : (
            <table className="table keys__table" aria-label="Your keys">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Public key</th>
                  <th>Role</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {list.map((key) => (
                  <tr key={key.id} className={shown?.id === key.id ? 'is-selected' : undefined} aria-selected={shown?.id === key.id}>
                    <td>
                      <button type="button" className="link-button" onClick={() => select(key.id)} aria-label={`Show snippets for ${key.name}`}>
                        {key.name}
                      </button>
                    </td>
                    <td>
                      <code title={key.publicKey}>{shortKey(key.publicKey)}</code>
                    </td>
                    <td>{keyRole(key)}</td>
                    <td className="keys__row-actions">
                      <CopyButton text={key.publicKey} what={`public key of ${key.name}`} />
                      <button type="button" className="button button--small" onClick={() => downloadPublicKey(key)} aria-label={`Export public key of ${key.name}`}>
                        Export
                      </button>
                      <button type="button" className="button button--small button--quiet-danger" onClick={() => open({ kind: 'remove', keyId: key.id })} aria-label={`Delete ${key.name}`}>
                        Delete…
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        {shown && <SnippetsPanel keyView={shown} cache={cache} />}
        <TrustedKeys />
      </div>
      <KeyDialogs cache={cache} existingNames={list.map((k) => k.name)} />
    </main>
  );
}
