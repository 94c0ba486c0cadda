import { useState } from 'react';
import type { PathInfoView } from '../../../../shared/api/contract-path';
import { describeSource, shortKey } from '../keys/key-format';
import { plural } from '../../ui/format';
import { splitPastedKeys, usePathUi } from './path-store';
import { shortSig, verdictLabel } from './path-text';
import { useChosenKeys } from './queries';

/** Each Sig with its verdict, and the set of public keys the verdicts are made against. */
export function SignaturesPanel({ data }: { data: PathInfoView }) {
  return (
    <section className="path-card" aria-labelledby="path-signatures">
      <h3 id="path-signatures">Signatures</h3>
      {data.signatures.length === 0 ? (
        <p className="fact--muted">{data.contentAddressed ? 'None, and none needed: the path is content-addressed.' : 'None: the path is unsigned.'}</p>
      ) : (
        <table className="table path-sigs" aria-label="Signatures">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {data.signatures.map((s, i) => (
              <tr key={`${s.sig}-${i}`}>
                <th scope="row">
                  {s.keyName || '—'}
                  <code className="path-sigs__sig" title={s.sig}>
                    {shortSig(s.sig, 20)}
                  </code>
                </th>
                <td>
                  <span className={`sig-verdict sig-verdict--${s.result}`}>{verdictLabel[s.result]}</span>
                  {s.reason && <div className="path-sigs__reason">{s.reason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TrustedKeyChoice data={data} />
    </section>
  );
}

/** The trusted keys: Nix's and the key store's, each can be unticked; others can be pasted. Only public keys. */
function TrustedKeyChoice({ data }: { data: PathInfoView }) {
  const { trusted, keys } = useChosenKeys();
  const excluded = usePathUi((s) => s.excluded);
  const pasted = usePathUi((s) => s.pasted);
  const toggleDefault = usePathUi((s) => s.toggleDefault);
  const addPasted = usePathUi((s) => s.addPasted);
  const removePasted = usePathUi((s) => s.removePasted);
  const [text, setText] = useState('');
  const problems = new Map(data.trustedKeys.filter((k) => k.problem).map((k) => [k.text, k.problem!]));
  const seen = new Set<string>();
  const defaults = (trusted.data?.keys ?? []).filter((k) => !k.problem && !seen.has(k.publicKey) && seen.add(k.publicKey));

  // Open at first only when there is nothing to trust (then the user must paste a key); after that it stays as the user left it.
  const [openAtFirst] = useState(() => defaults.length === 0 && pasted.length === 0 && trusted.data !== undefined);

  return (
    <details className="path-trust" open={openAtFirst}>
      <summary>
        Trusted keys: {plural(keys?.length ?? 0, 'key')} <span className="fact--muted">(what the verdicts use; change to see what another client would accept)</span>
      </summary>
      {trusted.error && <p className="message message--warning">Could not read the keys Nix trusts here: {trusted.error.message}</p>}
      <ul className="path-trust__list" aria-label="Trusted keys">
        {defaults.map((k) => (
          <li key={k.publicKey}>
            <label className="checkbox">
              <input type="checkbox" checked={!excluded.includes(k.publicKey)} onChange={() => toggleDefault(k.publicKey)} />
              <span>
                <strong>{k.name}</strong> <code title={k.publicKey}>{shortKey(k.publicKey)}</code> <span className="fact--muted">{describeSource(k.source)}</span>
              </span>
            </label>
          </li>
        ))}
        {pasted.map((k) => (
          <li key={k}>
            <span className="path-trust__pasted">
              <code title={k}>{k.length > 40 ? `${k.slice(0, 40)}…` : k}</code> <span className="fact--muted">pasted</span>
              {problems.has(k) && <span className="path-trust__problem"> — not used: {problems.get(k)}</span>}
            </span>
            <button type="button" className="button button--small" aria-label={`Remove ${k}`} onClick={() => removePasted(k)}>
              Remove
            </button>
          </li>
        ))}
        {defaults.length === 0 && pasted.length === 0 && <li className="fact--muted">No keys: neither nix.conf nor Narwhal's key store has any. Paste one below.</li>}
      </ul>
      <form
        className="path-trust__add"
        onSubmit={(event) => {
          event.preventDefault();
          const added = splitPastedKeys(text);
          if (added.length > 0) addPasted(added);
          setText('');
        }}
      >
        <label className="field__label" htmlFor="path-trust-paste">
          Trust another public key
        </label>
        <div className="input-row">
          <input id="path-trust-paste" className="input input--mono" placeholder="cache.example.org-1:base64…" value={text} onChange={(event) => setText(event.target.value)} />
          <button type="submit" className="button" disabled={text.trim() === ''}>
            Add
          </button>
        </div>
      </form>
    </details>
  );
}
