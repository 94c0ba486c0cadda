import { useId, useMemo, useState } from 'react';
import '../push/push.css';
import './sign.css';
import type { CacheView, SignProgressView, SignSummaryView } from '../../../../shared/api/contract';
import type { JobView } from '../../../../shared/api/jobs';
import { useView } from '../../app/view-store';
import { Dialog } from '../../ui/Dialog';
import { formatCount, formatElapsed, plural } from '../../ui/format';
import { useElapsed } from '../../ui/useElapsed';
import { useJobsPanel } from '../jobs/jobs-store';
import { useJobActions } from '../jobs/useJobs';
import { useKeys, useTrustedKeys } from '../keys/queries';
import { SigningKeyOptions } from '../keys/SigningKeyOptions';
import { ProgressBar } from '../transfer/ProgressBar';
import { SubstituteSnippet } from '../transfer/SummaryFooter';
import { parsePathLines, signFraction, signProgressText, signSummaryText } from './sign-text';
import type { SignRequest } from './useSignJob';
import { useSignJob } from './useSignJob';

/**
 * Sign paths already in a cache with a key of the key store: all of them, or the paths given (and
 * their closure as the cache records it). The dialog turns into the job's progress, then its
 * summary; closing it while it runs leaves the job running (it is in Jobs, and reopening shows it).
 */
export function SignDialog({ cache, initialPaths, onClose }: { cache: CacheView; initialPaths: string[]; onClose(): void }) {
  const { state, start, reset } = useSignJob(cache);
  const [lastRequest, setLastRequest] = useState<SignRequest | null>(null);
  const run = (request: SignRequest) => {
    setLastRequest(request);
    start(request);
  };

  let phase: string;
  let body;
  if (state.kind === 'idle') {
    phase = 'form';
    body = <SignForm cache={cache} initialPaths={lastRequest?.paths ?? initialPaths} initial={lastRequest} onSign={run} onCancel={onClose} />;
  } else if (state.kind === 'starting') {
    phase = 'starting';
    body = (
      <div className="dialog__body">
        <p className="push__phase" role="status">
          <span className="spinner" aria-hidden="true" /> Starting…
        </p>
      </div>
    );
  } else if (state.kind === 'refused') {
    phase = 'refused';
    body = (
      <>
        <div className="dialog__body">
          <div className="message message--error" role="alert">
            <strong>Signing did not start.</strong> {state.message}
          </div>
        </div>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="button button--primary" onClick={reset} data-autofocus>
            Back to the options
          </button>
        </div>
      </>
    );
  } else if (state.job.state === 'done' && state.summary) {
    phase = 'summary';
    body = <SignSummary job={state.job} summary={state.summary} onAgain={reset} onClose={onClose} />;
  } else if (state.job.state === 'failed' || state.job.state === 'cancelled') {
    phase = 'ended';
    const failed = state.job.state === 'failed';
    body = (
      <>
        <div className="dialog__body">
          <div className={failed ? 'message message--error' : 'message message--warning'} role="alert">
            <strong>{failed ? `Signing ${cache.name} failed.` : 'Signing was cancelled.'}</strong>{' '}
            {failed
              ? (state.job.error?.message ?? 'No reason was given.')
              : 'Every narinfo is whole, signed or as it was; signing again carries on (what is signed already is skipped).'}
          </div>
          {state.progress?.phase === 'signing' && state.progress.done > 0 && <p className="push__muted">Before it stopped: {signProgressText(state.progress)}.</p>}
        </div>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="button" className="button" onClick={reset}>
            Back to the options
          </button>
          <button
            type="button"
            className="button button--primary"
            // The same request again (from the job, so this works for a job found after a reload too).
            onClick={() => run(state.job.input as SignRequest)}
            data-autofocus
          >
            Try again
          </button>
        </div>
      </>
    );
  } else {
    phase = 'running';
    body = <SignProgress job={state.job} progress={state.progress} onClose={onClose} />;
  }

  return (
    <Dialog title={`Sign paths in ${cache.name}`} onClose={onClose} wide focusKey={phase}>
      {body}
    </Dialog>
  );
}

function SignForm({
  cache,
  initialPaths,
  initial,
  onSign,
  onCancel,
}: {
  cache: CacheView;
  initialPaths: string[];
  initial: SignRequest | null;
  onSign(request: SignRequest): void;
  onCancel(): void;
}) {
  const ids = { key: useId(), paths: useId(), scope: useId() };
  const keys = useKeys();
  const trusted = useTrustedKeys();
  const showView = useView((s) => s.show);
  const signing = (keys.data?.keys ?? []).filter((k) => k.hasSecret);
  const usable = signing.filter((k) => k.secretAvailable);
  const [keyChoice, setKeyChoice] = useState<string | null>(initial?.keyId ?? null);
  const keyId = keyChoice && usable.some((k) => k.id === keyChoice) ? keyChoice : usable[0]?.id;
  const [scope, setScope] = useState<'all' | 'paths'>(initial ? (initial.all ? 'all' : 'paths') : initialPaths.length ? 'paths' : 'all');
  const [text, setText] = useState(initialPaths.join('\n'));
  const [closure, setClosure] = useState(initial?.closure ?? true);
  const [restrict, setRestrict] = useState(Boolean(initial?.trustedKeys?.length));
  const [trustedChoice, setTrustedChoice] = useState<string[]>(initial?.trustedKeys ?? []);
  const [tried, setTried] = useState(false);

  const parsed = useMemo(() => parsePathLines(text), [text]);
  // Every key this machine or Narwhal trusts, once each, except the one signing (it cannot vouch for itself).
  const signingKey = signing.find((k) => k.id === keyId)?.publicKey;
  const trustable = useMemo(() => {
    const seen = new Set<string>();
    return (trusted.data?.keys ?? []).filter((k) => !k.problem && k.publicKey !== signingKey && !seen.has(k.publicKey) && seen.add(k.publicKey));
  }, [trusted.data, signingKey]);
  const chosenTrusted = trustedChoice.filter((k) => trustable.some((t) => t.publicKey === k));

  const pathsError =
    scope !== 'paths' ? undefined : parsed.problems.length ? parsed.problems.join('; ') : tried && parsed.paths.length === 0 ? 'Give at least one store path, base name or hash.' : undefined;
  const trustError = restrict && tried && chosenTrusted.length === 0 ? 'Choose at least one key, or sign whatever the signatures say.' : undefined;

  const submit = () => {
    setTried(true);
    if (!keyId) return;
    if (scope === 'paths' && (parsed.problems.length || parsed.paths.length === 0)) return;
    if (restrict && chosenTrusted.length === 0) return;
    onSign({
      keyId,
      ...(scope === 'all' ? { all: true } : { paths: parsed.paths, closure }),
      ...(restrict ? { trustedKeys: chosenTrusted } : {}),
    });
  };

  return (
    <form
      className="sign-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="dialog__body">
        <p className="push__muted">
          Adds a signature to narinfos already in <strong>{cache.name}</strong>, keeping their other lines. A narinfo edited since a key signed it is left alone and
          reported.
        </p>
        <div className="field">
          <label className="field__label" htmlFor={ids.key}>
            Sign with
          </label>
          <select
            id={ids.key}
            className="input"
            value={keyId ?? ''}
            onChange={(event) => setKeyChoice(event.target.value)}
            disabled={keys.isPending || usable.length === 0}
            data-autofocus={usable.length > 0 ? true : undefined}
          >
            {usable.length === 0 && <option value="">No key can sign here</option>}
            <SigningKeyOptions keys={signing} />
          </select>
          {keys.error ? (
            <div className="field__error">Could not read your keys: {keys.error.message}</div>
          ) : (
            !keys.isPending &&
            usable.length === 0 && (
              <div className="field__hint">
                No key here has a secret to sign with.{' '}
                <button
                  type="button"
                  className="link-button"
                  data-autofocus
                  onClick={() => {
                    onCancel();
                    showView('keys');
                  }}
                >
                  Generate or import one in Keys
                </button>
                .
              </div>
            )
          )}
        </div>

        <fieldset className="sign__scope" aria-describedby={pathsError ? `${ids.paths}-error` : undefined}>
          <legend className="field__label">Paths</legend>
          <label className="checkbox">
            <input type="radio" name={ids.scope} checked={scope === 'all'} onChange={() => setScope('all')} />
            <span>
              All paths in the cache
              <span className="checkbox__hint">Every narinfo, from one listing of the cache.</span>
            </span>
          </label>
          <label className="checkbox">
            <input type="radio" name={ids.scope} checked={scope === 'paths'} onChange={() => setScope('paths')} />
            <span>These paths</span>
          </label>
          {scope === 'paths' && (
            <div className="sign__paths">
              <textarea
                id={ids.paths}
                className="input input--mono sign__textarea"
                aria-label="Store paths to sign, one a line"
                aria-invalid={Boolean(pathsError)}
                aria-describedby={`${ids.paths}-hint${pathsError ? ` ${ids.paths}-error` : ''}`}
                rows={5}
                value={text}
                spellCheck={false}
                autoComplete="off"
                placeholder={'/nix/store/…-hello-2.12.1\n…'}
                onChange={(event) => setText(event.target.value)}
              />
              <div className="field__hint" id={`${ids.paths}-hint`}>
                One a line: a store path, its base name (hash-name) or its hash.
                {parsed.paths.length > 0 && ` ${plural(parsed.paths.length, 'path')}.`}
              </div>
              {pathsError && (
                <div className="field__error" id={`${ids.paths}-error`} role="alert">
                  {pathsError}
                </div>
              )}
              <label className="checkbox">
                <input type="checkbox" checked={closure} onChange={(event) => setClosure(event.target.checked)} />
                <span>
                  Include their closure
                  <span className="checkbox__hint">Also sign every path they refer to, following References through this cache’s narinfos. A path it lacks is reported.</span>
                </span>
              </label>
            </div>
          )}
        </fieldset>

        <div className="sign__trust">
          <label className="checkbox">
            <input type="checkbox" checked={restrict} onChange={(event) => setRestrict(event.target.checked)} />
            <span>
              Only sign what a key I trust has signed
              <span className="checkbox__hint">
                A narinfo without a valid signature of a key you choose here is left unsigned and reported, so a new signature cannot vouch for one edited
                after its signer signed it.
              </span>
            </span>
          </label>
          {restrict && (
            <div className="sign__trusted-list" role="group" aria-label="Keys to require a signature of">
              {trusted.isPending ? (
                <span className="push__muted">Reading the keys Nix trusts…</span>
              ) : trustable.length === 0 ? (
                <span className="field__error">No other trusted key is known here: import its public key in Keys.</span>
              ) : (
                trustable.map((k) => (
                  <label key={k.publicKey} className="checkbox sign__trusted-key">
                    <input
                      type="checkbox"
                      checked={chosenTrusted.includes(k.publicKey)}
                      onChange={(event) =>
                        setTrustedChoice((old) => (event.target.checked ? [...old, k.publicKey] : old.filter((x) => x !== k.publicKey)))
                      }
                    />
                    <span>
                      {k.name}
                      <span className="checkbox__hint">{k.source.where === 'Narwhal' ? 'a key of Narwhal’s' : `trusted by ${k.source.where}${k.source.line ? `:${k.source.line}` : ''}`}</span>
                    </span>
                  </label>
                ))
              )}
              {trustError && <div className="field__error">{trustError}</div>}
            </div>
          )}
        </div>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary" disabled={!keyId || !cache.writable}>
          {scope === 'all' ? 'Sign all paths' : 'Sign'}
        </button>
      </div>
    </form>
  );
}

function SignProgress({ job, progress, onClose }: { job: JobView; progress?: SignProgressView; onClose(): void }) {
  const { cancel } = useJobActions();
  const showJob = useJobsPanel((s) => s.show);
  const elapsed = useElapsed(job.startedAt ?? job.createdAt);
  const fraction = job.state === 'running' ? signFraction(progress) : undefined;
  const text = job.state === 'queued' ? 'Waiting for other jobs to finish…' : signProgressText(progress);
  const label = progress?.phase === 'signing' ? 'Paths' : progress?.phase === 'closure' ? 'Following references' : 'Listing';
  return (
    <>
      <div className="dialog__body" aria-label="Sign progress">
        <div className="push__section-head">
          <p className="push__phase" role="status" aria-label="Sign phase">
            {job.title}
          </p>
          <span className="push__muted" aria-label="Elapsed">
            {formatElapsed(elapsed)}
          </span>
        </div>
        {/* Until the total is known (closure, listing, queued) the bar slides and the words say how far it got. */}
        <ProgressBar label={label} name="Signing" value={fraction ?? 0} max={1} text={text} indeterminate={fraction === undefined} pendingText={text} />
        <p className="push__muted">Closing this dialog leaves the signing running; it is in Jobs.</p>
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => cancel(job.id)}>
          Cancel signing
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            onClose();
            showJob(job.id);
          }}
        >
          Show in Jobs
        </button>
        <button type="button" className="button button--primary" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </>
  );
}

function SignSummary({ job, summary, onAgain, onClose }: { job: JobView; summary: SignSummaryView; onAgain(): void; onClose(): void }) {
  const keyName = summary.signedWith.split(':')[0] ?? summary.signedWith;
  const ok = summary.failedCount === 0;
  const more = summary.failedCount - summary.failed.length;
  return (
    <>
      <div className="dialog__body sign__summary" aria-label="Sign summary">
        <div className={ok ? 'message message--ok' : 'message message--warning'} role="status">
          <strong>{signSummaryText(summary, keyName)}</strong>
          {!ok && ' The failed paths were left as they were.'}
        </div>
        <dl className="push__facts">
          <dt>Signed</dt>
          <dd aria-label="Signed">{plural(summary.signed, 'path')}</dd>
          <dt>Signed already</dt>
          <dd aria-label="Signed already">{plural(summary.alreadySigned, 'path')}</dd>
          <dt>Failed</dt>
          <dd aria-label="Failed">{plural(summary.failedCount, 'path')}</dd>
          <dt>Time</dt>
          <dd>{formatElapsed((job.endedAt ?? job.createdAt) - (job.startedAt ?? job.createdAt))}</dd>
          <dt>Key</dt>
          <dd>
            <code className="wrap">{summary.signedWith}</code>
          </dd>
        </dl>
        {summary.failed.length > 0 && (
          <div className="sign__failures">
            <h3>Not signed</h3>
            <ul className="pick-list sign__failure-list" aria-label="Paths not signed">
              {summary.failed.map((failure) => (
                <li key={failure.path} className="pick-row sign__failure">
                  <code className="sign__failure-path">{failure.path}</code>
                  {/* The path is on the line above: a reason that starts with it says the rest. */}
                  <span className="sign__failure-reason">{failure.reason.startsWith(`${failure.path} `) ? failure.reason.slice(failure.path.length + 1) : failure.reason}</span>
                </li>
              ))}
            </ul>
            {more > 0 && (
              <p className="push__muted">
                …and {formatCount(more)} more. <code>narwhal sign</code> lists every one.
              </p>
            )}
          </div>
        )}
        {summary.signed + summary.alreadySigned > 0 && <SubstituteSnippet substituters={summary.substituters} />}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onAgain}>
          Sign more
        </button>
        <button type="button" className="button button--primary" onClick={onClose} data-autofocus>
          Done
        </button>
      </div>
    </>
  );
}
