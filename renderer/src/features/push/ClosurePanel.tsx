import type { CacheView } from '../../../../shared/api/contract';
import { formatCount, plural } from '../../ui/format';
import { formatBytes, inCacheText, storeName } from './figures';
import { usePushUi } from './push-store';
import { useClosure } from './queries';

/** Long closures show their first rows and say how many more: the counts above cover them all. */
const shownRows = 200;

/** The chosen paths, as removable chips. */
export function SelectedPaths() {
  const selected = usePushUi((s) => s.selected);
  const remove = usePushUi((s) => s.remove);
  const clear = usePushUi((s) => s.clear);
  return (
    <section className="push__selected" aria-labelledby="push-selected">
      <div className="push__section-head">
        <h2 id="push-selected">To push</h2>
        {selected.length > 1 && (
          <button type="button" className="button button--small" onClick={clear}>
            Clear
          </button>
        )}
      </div>
      {selected.length === 0 ? (
        <p className="push__muted">Nothing chosen yet. Add a store path, a result link, a search match or a root; its whole closure is pushed.</p>
      ) : (
        <ul className="chips" aria-label="Chosen paths">
          {selected.map((path) => (
            <li key={path} className="chip" title={path}>
              <span className="chip__name">{storeName(path)}</span>
              <button type="button" className="chip__remove" aria-label={`Remove ${storeName(path)}`} onClick={() => remove(path)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The closure of the chosen paths: its size, how much of it the cache has, and each path marked. */
export function ClosurePanel({ cache }: { cache: CacheView }) {
  const selected = usePushUi((s) => s.selected);
  const closure = useClosure(selected, cache.id);
  if (selected.length === 0) return null;

  const data = closure.data;
  const stale = closure.isPlaceholderData || closure.isFetching;
  return (
    <section className="push__closure" aria-labelledby="push-closure" aria-busy={stale}>
      <div className="push__section-head">
        <h2 id="push-closure">Closure</h2>
        {stale && data && (
          <span className="push__muted">
            <span className="spinner" aria-hidden="true" /> Updating…
          </span>
        )}
      </div>
      {closure.error ? (
        <div className="message message--error" role="alert">
          Could not read the closure: {closure.error.message}{' '}
          <button type="button" className="link-button" onClick={() => void closure.refetch()}>
            Try again
          </button>
        </div>
      ) : !data ? (
        <p className="push__muted">
          <span className="spinner" aria-hidden="true" /> Reading the closure and what {cache.name} has…
        </p>
      ) : (
        <>
          <p className="push__totals" role="status" aria-label="Closure size">
            {plural(data.paths.length, 'path')}, {formatBytes(data.narSize)} of NAR
          </p>
          {data.inCache && (
            <div className="in-cache">
              <div
                className="bar bar--cache"
                role="progressbar"
                aria-label={`Already in ${cache.name}`}
                aria-valuemin={0}
                aria-valuemax={data.narSize}
                aria-valuenow={data.inCache.narSize}
                aria-valuetext={inCacheText({ paths: data.paths.length, narSize: data.narSize, inCache: data.inCache }, cache.name)}
              >
                <div className="bar__fill" style={{ width: `${fraction(data.inCache.narSize, data.narSize) * 100}%` }} />
              </div>
              <p className="in-cache__text" role="status" aria-label="Already in the cache">
                {inCacheText({ paths: data.paths.length, narSize: data.narSize, inCache: data.inCache }, cache.name)}
              </p>
            </div>
          )}
          <ul className="closure-list" aria-label="Paths in the closure">
            {data.paths.slice(0, shownRows).map((row) => (
              <li key={row.path} className={`closure-row${row.inCache ? ' closure-row--present' : ''}`}>
                <span className="closure-row__name" title={row.path}>
                  {storeName(row.path)}
                </span>
                <span className="closure-row__size">{formatBytes(row.narSize)}</span>
                {row.inCache !== undefined && <span className={`closure-row__mark${row.inCache ? ' closure-row__mark--present' : ''}`}>{row.inCache ? 'in cache' : 'to push'}</span>}
              </li>
            ))}
          </ul>
          {data.paths.length > shownRows && <p className="push__muted">and {formatCount(data.paths.length - shownRows)} more</p>}
        </>
      )}
    </section>
  );
}

/** A bar's fill; a sliver stays visible for a part that rounds to nothing. */
function fraction(part: number, whole: number): number {
  if (whole <= 0 || part <= 0) return 0;
  return Math.max(0.005, Math.min(1, part / whole));
}
