import { useCaches } from '../caches/queries';
import { CopyForm } from './CopyForm';
import { CopyRun } from './CopyRun';
import { valuesOf } from './copy-form';
import { useCopyUi } from './copy-store';
import { useCopyJob } from './useCopyJob';
import '../push/push.css';
import './copy.css';

/**
 * Copy a closure from one saved cache to another (any kind to an S3 bucket or a folder): the form,
 * then the copy as it runs and ends. It looks and behaves like the Push screen, whose bars, figures and
 * nix.conf snippet it shares (features/transfer).
 */
export function CopyScreen() {
  const caches = useCaches();
  const { state, start, reset } = useCopyJob();
  const edit = useCopyUi((s) => s.edit);

  if (caches.isPending) return <main className="main main--center" aria-busy="true" aria-label="Copy" />;
  const list = caches.data?.caches ?? [];
  return (
    <main className="main push" aria-label="Copy">
      <header className="push__header">
        <h1>Copy</h1>
        <p className="push__target">a closure from one cache to another, as nix copy --from … --to … does</p>
      </header>
      <div className="copy__body push__side">
        {caches.error ? (
          <div className="message message--error" role="alert">
            Could not read your caches: {caches.error.message}
          </div>
        ) : state.kind === 'idle' ? (
          <CopyForm caches={list} selectedId={caches.data?.selectedId ?? undefined} onCopy={start} />
        ) : (
          <CopyRun
            state={state}
            caches={list}
            onRetry={(request) => {
              // The form shows what is being tried again, for when the user goes back to it.
              edit(valuesOf(request));
              start(request);
            }}
            onBack={reset}
          />
        )}
      </div>
    </main>
  );
}
