import { useMemo } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import type { ProbeStep } from '../../../../shared/bucket/probe';
import type { ProbeDisagreement } from '../../../../shared/bucket/probe-compare';
import { expectationForSavedPolicy, expectationFromFindings, probeDisagreements } from '../../../../shared/bucket/probe-compare';
import type { Finding } from '../../../../shared/policy/types';
import { useProbe, useSavedPolicy } from './queries';
import './bucket.css';

const verdictLabel: Record<ProbeStep['verdict'], string> = { good: 'as it should be', concern: 'works, with a caveat', bad: 'a problem', neutral: 'depends on the cache' };

function statusText(step: ProbeStep): string {
  if (step.outcome === 'skipped') return '—';
  if (step.status === undefined) return step.outcome === 'timeout' ? 'no answer' : 'failed';
  return `${step.status}${step.s3Code ? ` ${step.s3Code}` : ''}`;
}

/**
 * The live probe of an S3 cache: what an anonymous Nix client and the connection's own credentials
 * really get from the bucket, request by request, beside what the bucket's saved policy predicts.
 *
 * `findings`: the checker's findings for the public-cache intent. They are used only when the saved
 * policy cannot be read; otherwise the panel checks the saved policy itself, because the probe meets
 * the policy the bucket has, not an unsaved draft or a check made for another intent.
 */
export function ProbePanel({ cache, findings }: { cache: CacheView; findings?: readonly Finding[] }) {
  const probe = useProbe(cache);
  const saved = useSavedPolicy(cache);
  const bucket = cache.config.kind === 's3' ? cache.config.bucket : '';
  const expectation = useMemo(() => {
    if (saved.data) return expectationForSavedPolicy(saved.data, bucket);
    return findings ? expectationFromFindings(findings) : undefined;
  }, [saved.data, findings, bucket]);
  const notes = probe.data ? probeDisagreements(probe.data, expectation) : [];
  const noteFor = (step: ProbeStep): ProbeDisagreement | undefined => notes.find((n) => n.step === step.id);

  if (cache.config.kind !== 's3') {
    return (
      <section className="bucket-panel" aria-labelledby="probe-title">
        <h2 id="probe-title">Live probe</h2>
        <p className="state__detail">The live probe is for S3 buckets; {cache.name} is a {cache.config.kind === 'file' ? 'folder' : 'HTTP'} cache.</p>
      </section>
    );
  }

  return (
    <section className="bucket-panel" aria-labelledby="probe-title" aria-busy={probe.isPending}>
      <header className="bucket-panel__header">
        <div>
          <h2 id="probe-title">Live probe</h2>
          <p className="bucket-panel__intro">
            Asks the bucket for real: two anonymous GETs, as a Nix client with it as a substituter makes them, and a write test with this connection’s credentials (a
            temporary object under <code>narwhal-write-test/</code>, deleted right after).
          </p>
        </div>
        <button type="button" className="button button--primary" disabled={probe.isPending} onClick={() => probe.mutate()}>
          {probe.isPending ? 'Probing…' : probe.data ? 'Probe again' : 'Run the probe'}
        </button>
      </header>

      {probe.isPending && (
        <p className="bucket-panel__pending" role="status">
          <span className="spinner" aria-hidden="true" /> Probing {bucket}; each request gives up after 10 s…
        </p>
      )}
      {probe.error && (
        <div className="message message--error" role="alert">
          <strong>The probe could not run.</strong> {probe.error.message}
        </div>
      )}
      {!probe.data && !probe.isPending && !probe.error && <p className="state__detail">Not probed yet.</p>}

      {probe.data && (
        <>
          {notes.length > 0 ? (
            <div className="message message--warning" role="note">
              <strong>
                The probe and the policy disagree on {notes.length} request{notes.length === 1 ? '' : 's'}.
              </strong>{' '}
              The bucket’s answers are what clients get.
            </div>
          ) : expectation ? (
            <p className="message message--ok" role="note">
              The anonymous answers agree with {expectation.basis}.
            </p>
          ) : null}
          <table className="bucket-table probe-table" aria-label="Probe results">
            <colgroup>
              <col className="probe-col-request" />
              <col className="probe-col-answer" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th>Request</th>
                <th>Answer</th>
                <th>What it means</th>
              </tr>
            </thead>
            <tbody>
              {probe.data.steps.map((step) => {
                const note = noteFor(step);
                return (
                  <tr key={step.id} className={`probe-row probe-row--${step.verdict}${note ? ' probe-row--disagrees' : ''}`} data-step={step.id}>
                    <td>
                      <div className="probe-row__request">{step.request}</div>
                      <code className="probe-row__target" title={step.target}>
                        {step.method} {step.target}
                      </code>
                    </td>
                    <td className="probe-row__status">
                      <span className={`probe-status probe-status--${step.verdict}`} title={verdictLabel[step.verdict]}>
                        {statusText(step)}
                      </span>
                      {step.outcome !== 'skipped' && <span className="probe-row__time">{step.elapsedMs} ms</span>}
                    </td>
                    <td>
                      <p className="probe-row__meaning">{step.meaning}</p>
                      {note && (
                        <p className="probe-row__note" role="note">
                          <strong>
                            Disagrees with the policy: expected {note.expected}, got {note.got}.
                          </strong>{' '}
                          {note.message}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="bucket-panel__foot">
            Anonymous requests were addressed {probe.data.addressing === 'path' ? 'path-style (endpoint/bucket/key)' : 'virtual-host style (bucket.endpoint/key)'}, as this connection
            says. Probed at {new Date(probe.data.at).toLocaleTimeString()}.
          </p>
        </>
      )}
    </section>
  );
}
