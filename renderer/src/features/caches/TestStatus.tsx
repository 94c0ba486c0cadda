import type { UseQueryResult } from '@tanstack/react-query';
import type { CacheView, TestResult } from '../../../../shared/api/contract';
import { formatDuration, formatElapsed } from '../../ui/format';
import { useElapsed } from '../../ui/useElapsed';
import { problemLook } from './problems';
import { TestCancelled, useTestRuns } from './test-runs';

/** While a test runs: how long it has been waiting, ticking, and a way to stop waiting. */
function Running({ cacheId, label }: { cacheId: string; label: string }) {
  const run = useTestRuns((s) => s.runs[cacheId]);
  const elapsed = useElapsed(run?.startedAt);
  return (
    <span className="test-status__running">
      <span className="spinner" aria-hidden="true" /> {label}
      {run && (
        <>
          <span className="fact fact--muted" role="timer" aria-label="Elapsed">
            {formatElapsed(elapsed)}
          </span>
          <button type="button" className="button button--small" onClick={() => run.cancel()}>
            Cancel
          </button>
        </>
      )}
    </span>
  );
}

/** One line under the header: what the last test found. Details of a problem are in the main panel. */
export function TestStatus({ cache, test }: { cache: CacheView; test: UseQueryResult<TestResult> }) {
  const refreshing = test.isFetching && !test.isPending;
  let body;
  if (test.isPending) {
    body = (
      <span className="test-status__line">
        <Running cacheId={cache.id} label="Testing the connection…" />
      </span>
    );
  } else if (test.error instanceof TestCancelled) {
    body = (
      <span className="test-status__line test-status__line--setup">
        <span className="test-status__icon" aria-hidden="true">×</span>
        <strong>Cancelled</strong>
        <span className="fact fact--muted">{test.error.message} Press Test to try again.</span>
      </span>
    );
  } else if (test.error) {
    body = <span className="test-status__line test-status__line--error">Test failed: {test.error.message}</span>;
  } else if (test.data.status === 'ok') {
    const { info, elapsedMs } = test.data;
    body = (
      <span className="test-status__line test-status__line--ok">
        <span className="test-status__icon" aria-hidden="true">✓</span>
        <strong>Nix cache OK</strong>
        <span className="fact">
          StoreDir <code>{info.storeDir}</code>
        </span>
        <span className="fact">WantMassQuery {info.wantMassQuery === undefined ? 'not set' : info.wantMassQuery ? 'yes' : 'no'}</span>
        <span className="fact">Priority {info.priority ?? 'not set'}</span>
        <span className="fact fact--muted">{formatDuration(elapsedMs)}</span>
      </span>
    );
  } else {
    const look = problemLook(test.data.code, cache.writable);
    body = (
      <span className={`test-status__line test-status__line--${look.tone}`}>
        <span className="test-status__icon" aria-hidden="true">{look.tone === 'setup' ? 'i' : '!'}</span>
        <strong>{look.title}</strong>
        <span className="fact fact--muted">{formatDuration(test.data.elapsedMs)}</span>
      </span>
    );
  }
  return (
    <div className="test-status" role="status" aria-live="polite" aria-label="Test result" aria-busy={test.isFetching}>
      {body}
      {refreshing && (
        <span className="test-status__refreshing">
          <Running cacheId={cache.id} label="Testing…" />
        </span>
      )}
    </div>
  );
}
