import type { CacheView } from '../../../../shared/api/contract';
import type { ErrorCode } from '../../../../shared/api/errors';
import { problemLook } from './problems';
import { useCacheUi } from './ui-store';

/** The main panel when a cache cannot be browsed: what is wrong, in the service's words, and the fix. */
export function ProblemPanel({ cache, code, message }: { cache: CacheView; code: ErrorCode; message: string }) {
  const look = problemLook(code, cache.writable);
  const open = useCacheUi((s) => s.open);
  return (
    <section className={`problem problem--${look.tone}`} aria-label={look.title}>
      <h2 className="problem__title">{look.title}</h2>
      <p className="problem__message">{message}</p>
      {look.action === 'initialise' && (
        <>
          <p className="problem__hint">
            Initialising writes a nix-cache-info file{code === 'not-a-cache' ? '' : ` (and creates the ${cache.config.kind === 's3' ? 'bucket' : 'folder'})`}, which
            makes this a binary cache Nix can use.
          </p>
          <button type="button" className="button button--primary" onClick={() => open({ kind: 'initialise', cacheId: cache.id })}>
            Initialise cache…
          </button>
        </>
      )}
      {look.action === 'edit' && (
        <button type="button" className="button" onClick={() => open({ kind: 'edit', cacheId: cache.id })}>
          Edit connection…
        </button>
      )}
    </section>
  );
}
