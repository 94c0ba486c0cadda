import './nar.css';
import type { CacheView } from '../../../../shared/api/contract';
import type { IntegrityProgressView, IntegrityResultView, NarCheckView } from '../../../../shared/api/contract-nar';
import { api } from '../../api/client';
import { formatDuration } from '../../ui/format';
import { NarJob, bytesText } from './NarJob';
import { useStart } from './SaveForm';

const checkLabels: Record<NarCheckView['check'], string> = {
  object: 'NAR file in the cache',
  fileSize: 'FileSize',
  fileHash: 'FileHash',
  decompress: 'Decompresses',
  narSize: 'NarSize',
  narHash: 'NarHash',
};

const progressOf = (p: unknown) => {
  const { fileBytes, fileSize, narBytes, narSize } = p as IntegrityProgressView;
  // The file's bytes when its size is known, else the NAR's.
  return fileSize !== undefined
    ? { value: fileBytes, max: fileSize, text: `${bytesText(fileBytes, fileSize)} downloaded` }
    : { value: narBytes, max: narSize, text: `${bytesText(narBytes, narSize)} of NAR` };
};

/** On demand: download the NAR and check FileSize, FileHash, NarSize and NarHash. */
export function IntegrityCheck({ cache, storePath }: { cache: CacheView; storePath: string }) {
  const verify = useStart(cache.id, storePath, 'verify');
  return (
    <div className="nar-integrity">
      <div className="nar-integrity__head">
        <h3>Integrity</h3>
        <button type="button" className="button" disabled={verify.running} onClick={() => verify.start(() => api.nar.verify({ cacheId: cache.id, path: storePath }))}>
          {verify.job ? 'Check again' : 'Check integrity'}
        </button>
      </div>
      {!verify.job && !verify.refused && <p className="nar-integrity__hint">Downloads the NAR and checks it against the narinfo: FileSize, FileHash, that it decompresses, NarSize and NarHash.</p>}
      <NarJob label="Checking" job={verify.job} refused={verify.refused} progress={progressOf} done={(o) => <Verdict result={o as IntegrityResultView} />} />
    </div>
  );
}

function Verdict({ result }: { result: IntegrityResultView }) {
  return (
    <div className="nar-verdict">
      <p className={`nar-verdict__summary nar-verdict__summary--${result.ok ? 'ok' : 'failed'}`} role="status">
        {result.ok ? 'The NAR matches its narinfo.' : 'The NAR does not match its narinfo.'} <span className="fact--muted">({result.url}, {formatDuration(result.elapsedMs)})</span>
      </p>
      <table className="table nar-verdict__table" aria-label="Integrity checks">
        <tbody>
          {result.checks.map((c) => (
            <tr key={c.check} className={`nar-check nar-check--${c.status}`}>
              <th scope="row">{checkLabels[c.check]}</th>
              <td className="nar-check__status">{c.status === 'ok' ? '✓ ok' : c.status === 'failed' ? '✗ failed' : '– skipped'}</td>
              <td className="nar-check__detail">
                {c.status === 'failed' && c.expected !== undefined && (
                  <>
                    expected <code>{c.expected}</code>, found <code>{c.actual}</code>
                    <br />
                  </>
                )}
                {c.status === 'ok' && c.actual !== undefined && c.check !== 'object' && <code>{c.actual}</code>}
                {c.detail && c.status !== 'ok' && <span>{c.detail}</span>}
                {c.status === 'ok' && c.check === 'decompress' && c.detail && <span>{c.detail}</span>}
                {c.check === 'object' && c.status === 'ok' && <code>{c.actual}</code>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
