import { describeSource, shortKey } from './key-format';
import { useTrustedKeys } from './queries';

/** What Nix on this machine trusts, and where each key was set: the first thing to check when substitution fails. */
export function TrustedKeys() {
  const trusted = useTrustedKeys();
  return (
    <section aria-labelledby="trusted-keys">
      <h2 id="trusted-keys">Trusted for verification</h2>
      <p className="state__detail">Your own keys, and the keys Nix on this machine trusts (trusted-public-keys in nix.conf, its includes and NIX_CONFIG).</p>
      {trusted.error && <p className="state state--error">{trusted.error.message}</p>}
      {trusted.data && (
        <>
          <table className="table" aria-label="Trusted keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Public key</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {trusted.data.keys.map((key, index) => (
                <tr key={`${key.publicKey}-${index}`}>
                  <td>{key.name}</td>
                  <td>
                    <code title={key.publicKey}>{shortKey(key.publicKey)}</code>
                    {key.problem && <span className="keys__problem"> — not a valid key: {key.problem}</span>}
                  </td>
                  <td>
                    <code>{describeSource(key.source)}</code> <span className="fact--muted">({key.setting})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <details className="keys__files">
            <summary>Configuration files read</summary>
            <ul>
              {trusted.data.files.map((file) => (
                <li key={file.path}>
                  <code>{file.path}</code> — {file.status}
                  {file.message ? `: ${file.message}` : ''}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}
