import { create } from 'zustand';

/**
 * Tests in flight, by cache: when each started (for the elapsed time) and how to cancel it. A test
 * against a server that accepts the connection and never answers can take as long as the request
 * deadlines allow, so the user sees the time pass and can stop waiting.
 */
interface TestRun {
  startedAt: number;
  cancel(): void;
}

interface TestRunsStore {
  runs: Record<string, TestRun>;
}

export const useTestRuns = create<TestRunsStore>(() => ({ runs: {} }));

/** The error a test the user cancelled ends with; the test line shows it as "Cancelled", not as a failure. */
export class TestCancelled extends Error {
  constructor(readonly afterMs: number) {
    super(`Test cancelled after ${Math.max(1, Math.round(afterMs / 1000))} s.`);
    this.name = 'TestCancelled';
  }
}

/**
 * Runs one test of `cacheId`, cancellable by the user (through the store) and by React Query (its
 * `signal`, when nothing waits for the result any more). Either abort is passed on to the call, so
 * the main process stops its requests, and ends the wait at once even if the call has not settled.
 */
export async function runTest<T>(cacheId: string, querySignal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const startedAt = Date.now();
  const run: TestRun = { startedAt, cancel: () => controller.abort(new TestCancelled(Date.now() - startedAt)) };
  const forward = () => controller.abort(querySignal.reason);
  if (querySignal.aborted) forward();
  else querySignal.addEventListener('abort', forward, { once: true });
  useTestRuns.setState((s) => ({ runs: { ...s.runs, [cacheId]: run } }));
  try {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(controller.signal.reason);
      if (controller.signal.aborted) onAbort();
      controller.signal.addEventListener('abort', onAbort, { once: true });
      call(controller.signal).then(resolve, reject);
    });
  } finally {
    querySignal.removeEventListener('abort', forward);
    useTestRuns.setState((s) => {
      if (s.runs[cacheId] !== run) return s;
      const { [cacheId]: _ended, ...rest } = s.runs;
      return { runs: rest };
    });
  }
}
