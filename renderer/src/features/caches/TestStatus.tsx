import type { UseQueryResult } from '@tanstack/react-query';
import type { CacheView, TestResult } from '../../../../shared/api/contract';
import { formatDuration } from '../../ui/format';
import { problemLook } from './problems';

/** One line under the header: what the last test found. Details of a problem are in the main panel. */
export function TestStatus({ cache, test }: { cache: CacheView; test: UseQueryResult<TestResult> }) {
  const refreshing = test.isFetching && !test.isPending;
  let body;
  if (test.isPending) {
    body = (
      <span className="test-status__line">
        <span className="spinner" aria-hidden="true" /> Testing the connection…
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
          <span className="spinner" aria-hidden="true" /> Testing…
        </span>
      )}
    </div>
  );
}
