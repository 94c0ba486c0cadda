import './nar.css';
import type { CacheView } from '../../../../shared/api/contract';
import { formatBytes } from '../push/figures';
import { useBuildLog } from './queries';
import { LogSaveForm } from './SaveForm';

/** The build log of a path's deriver, when the cache has `log/<deriver>`. */
export function BuildLogTab({ cache, storePath }: { cache: CacheView; storePath: string }) {
  const log = useBuildLog(cache, storePath);
  if (log.isPending) {
    return (
      <div className="state" aria-busy="true">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Looking for the build log…</p>
      </div>
    );
  }
  if (log.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">The build log cannot be read</p>
        <p className="state__detail">{log.error.message}</p>
        <div className="state__actions">
          <button type="button" className="button" onClick={() => void log.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  const data = log.data;
  if (data.status === 'no-deriver') {
    return (
      <div className="state">
        <p className="state__title">No deriver, so no build log</p>
        <p className="state__detail">
          The narinfo of <code>{storePath}</code> has no Deriver line (it was added to the store, not built, or the deriver was not recorded), and Nix files build logs under their deriver.
        </p>
      </div>
    );
  }
  if (data.status === 'missing') {
    return (
      <div className="state">
        <p className="state__title">No build log in this cache for {data.deriver}</p>
        <p className="state__detail">
          Nix uploads logs as <code>{data.key}</code> (<code>nix store copy-log --to …</code>); {cache.name} has no such object.
        </p>
      </div>
    );
  }
  return (
    <div className="nar-log">
      <p className="nar-log__facts">
        <code>{data.key}</code> — {formatBytes(data.shownBytes)}
        {data.compression ? `, stored ${data.compression}-compressed` : ''}
        {data.truncated ? `; the first ${formatBytes(data.shownBytes)} are shown, the download has all of it` : ''}
      </p>
      <pre className="nar-log__text" aria-label="Build log text" tabIndex={0}>
        {data.text || '(the log is empty)'}
      </pre>
      <LogSaveForm cache={cache} storePath={storePath} />
    </div>
  );
}
