import type { CacheView } from '../../../../shared/api/contract';
import type { PathInfoView, ReferenceView } from '../../../../shared/api/contract-path';
import { IntegrityCheck } from '../nar/IntegrityCheck';
import { formatBytes } from '../push/figures';
import { formatCount, plural } from '../../ui/format';
import { openPath } from './PathPage';
import { SignaturesPanel } from './SignaturesPanel';
import { formatUtc, nameOf } from './path-text';
import type { usePathInfo } from './queries';
import { useIndexBuilt } from './useIndexBuilt';

/** The narinfo of the path: verdict, problems, fields, signatures, references, referrers, raw text. */
export function OverviewTab({ cache, path, info }: { cache: CacheView; path: string; info: ReturnType<typeof usePathInfo> }) {
  if (info.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">Could not read this path</p>
        <p className="state__detail">{info.error.message}</p>
      </div>
    );
  }
  if (!info.data) {
    return (
      <div className="state" aria-busy="true">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Reading the narinfo…</p>
      </div>
    );
  }
  const data = info.data;
  if (!data.found) {
    return (
      <div className="path-overview">
        <div className="state" role="status" aria-label="Not in this cache">
          <p className="state__title">Not in this cache</p>
          <p className="state__detail">
            {cache.name} has no <code>{data.key}</code>, so Nix cannot substitute {data.basename ? nameOf(data.basename) : path} from it.
          </p>
        </div>
        <Referrers cache={cache} referrers={data.referrers} missing />
      </div>
    );
  }
  const storePath = data.fields.storePath ?? (data.basename ? `/nix/store/${data.basename}` : undefined);
  return (
    <div className="path-overview">
      <div className={`message ${data.accepted ? 'message--ok' : 'message--warning'}`} role="status" aria-label="Nix verdict">
        <strong>{data.accepted ? 'Nix accepts this path' : 'Nix would not accept this path'}</strong>
        {data.problems.length === 0 ? ' with the chosen keys. ' : '. '}
        {data.acceptReason}
      </div>
      {data.problems.length > 0 && (
        <div className="message message--error" role="alert" aria-label="Narinfo problems">
          <strong>This narinfo has {plural(data.problems.length, 'problem')}; Nix refuses it.</strong>
          <ul className="message__list">
            {data.problems.map((p, i) => (
              <li key={i}>
                {p.line !== undefined ? `Line ${p.line}` : 'Whole file'}
                {p.field ? ` (${p.field})` : ''}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="path-overview__grid">
        <section className="path-card" aria-labelledby="narinfo-fields">
          <h3 id="narinfo-fields">Narinfo</h3>
          <Fields data={data} />
        </section>
        <SignaturesPanel data={data} />
      </div>
      <div className="path-overview__grid">
        <References cache={cache} references={data.references} />
        <Referrers cache={cache} referrers={data.referrers} />
      </div>
      <section className="path-card" aria-labelledby="narinfo-raw">
        <h3 id="narinfo-raw">
          Raw text <span className="fact--muted">({data.key})</span>
        </h3>
        <RawText data={data} />
      </section>
      {storePath && data.problems.length === 0 && (
        <section className="path-card" aria-label="Integrity">
          <IntegrityCheck cache={cache} storePath={storePath} />
        </section>
      )}
    </div>
  );
}

const fieldNotes: Record<string, (value: string, data: PathInfoView) => string | undefined> = {
  FileSize: (v) => (/^\d+$/.test(v) ? formatBytes(Number(v)) : undefined),
  NarSize: (v) => (/^\d+$/.test(v) ? formatBytes(Number(v)) : undefined),
  Compression: () => undefined,
  References: (_v, d) => plural(d.fields.references.length, 'reference'),
};

/** Every line of the narinfo as a field, with its line number and what is wrong with it. */
function Fields({ data }: { data: PathInfoView }) {
  return (
    <table className="table path-fields" aria-label="Narinfo fields">
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {data.lines.map((line) => {
          const note = line.key && line.value !== undefined ? fieldNotes[line.key]?.(line.value, data) : undefined;
          return (
            <tr key={line.line} className={line.problem ? 'path-fields__row--problem' : undefined}>
              <td className="path-fields__line">{line.line}</td>
              <th scope="row">
                {line.key ?? '—'}
                {line.unknown && <span className="tag" title="Nix does not read this field">unknown</span>}
              </th>
              <td>
                <code className="path-fields__value">{line.value ?? line.text}</code>
                {note && <span className="fact--muted"> ({note})</span>}
                {line.problem && <div className="path-fields__problem">{line.problem}</div>}
                {line.note && <div className="path-fields__note">{line.note}</div>}
              </td>
            </tr>
          );
        })}
        {data.fields.compression === undefined && data.lines.length > 0 && (
          <tr>
            <td className="path-fields__line" />
            <th scope="row">Compression</th>
            <td className="fact--muted">no line: Nix takes bzip2</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function RawText({ data }: { data: PathInfoView }) {
  return (
    <ol className="path-raw" aria-label="Narinfo text">
      {data.lines.map((line) => (
        <li key={line.line} className={line.problem ? 'path-raw__line path-raw__line--problem' : 'path-raw__line'} title={line.problem}>
          <span className="path-raw__number" aria-hidden="true">
            {line.line}
          </span>
          <code>{line.text === '' ? ' ' : line.text}</code>
          {line.problem && <span className="path-sr-only"> — {line.problem}</span>}
        </li>
      ))}
    </ol>
  );
}

const referenceState: Record<ReferenceView['state'], string> = { present: 'in this cache', missing: 'missing', unusable: 'broken narinfo', self: 'itself' };

function References({ cache, references }: { cache: CacheView; references: ReferenceView[] }) {
  const missing = references.filter((r) => r.state === 'missing' || r.state === 'unusable').length;
  return (
    <section className="path-card" aria-labelledby="path-references">
      <h3 id="path-references">
        References <span className="fact--muted">({formatCount(references.length)})</span>
      </h3>
      {missing > 0 && (
        <p className="message message--error" role="alert">
          {plural(missing, 'reference')} {missing === 1 ? 'is' : 'are'} not usable from this cache: a client cannot substitute this path's closure from it alone.
        </p>
      )}
      {references.length === 0 ? (
        <p className="fact--muted">No references: this path stands alone.</p>
      ) : (
        <ul className="path-links" aria-label="References">
          {references.map((ref) => (
            <li key={ref.basename} className={`path-links__item path-links__item--${ref.state}`}>
              <PathLink cache={cache} basename={ref.basename} />
              <span className={`path-state path-state--${ref.state}`}>{referenceState[ref.state]}</span>
              {ref.narSize !== undefined && <span className="fact--muted">{formatBytes(ref.narSize)}</span>}
              {ref.error && <span className="path-links__error">{ref.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Referrers({ cache, referrers, missing }: { cache: CacheView; referrers: PathInfoView['referrers']; missing?: boolean }) {
  const building = useIndexBuilt(cache, referrers.available && !referrers.refreshedAt);
  if (building) {
    return (
      <section className="path-card" aria-labelledby="path-referrers" aria-busy="true">
        <h3 id="path-referrers">Referrers in this cache</h3>
        <p className="fact--muted">
          <span className="spinner" aria-hidden="true" /> Building the index of this cache: referrers come from it.
        </p>
      </section>
    );
  }
  return (
    <section className="path-card" aria-labelledby="path-referrers">
      <h3 id="path-referrers">
        Referrers in this cache {referrers.available && <span className="fact--muted">({formatCount(referrers.total)})</span>}
      </h3>
      {!referrers.available ? (
        <p className="fact--muted">{referrers.reason}</p>
      ) : referrers.total === 0 ? (
        <p className="fact--muted">{missing ? 'No path of the index refers to it.' : 'No path of the index refers to this one.'}</p>
      ) : (
        <ul className="path-links" aria-label="Referrers">
          {referrers.paths.map((p) => (
            <li key={p.hash} className="path-links__item">
              <PathLink cache={cache} basename={p.basename} />
            </li>
          ))}
          {referrers.total > referrers.paths.length && <li className="fact--muted">and {formatCount(referrers.total - referrers.paths.length)} more</li>}
        </ul>
      )}
      {referrers.available && <p className="fact--muted path-card__foot">{referrers.refreshedAt ? `From the index as refreshed ${formatUtc(referrers.refreshedAt)}.` : 'The index has not been built yet.'}</p>}
    </section>
  );
}

/** A path of the same cache, opened in place (the URL follows). */
export function PathLink({ cache, basename }: { cache: CacheView; basename: string }) {
  return (
    <a
      className="path-link"
      href={`#/caches/${encodeURIComponent(cache.id)}/paths/${encodeURIComponent(basename)}`}
      title={`/nix/store/${basename}`}
      onClick={(event) => {
        event.preventDefault();
        openPath(cache, basename);
      }}
    >
      {nameOf(basename)}
      <span className="path-link__hash">{basename.slice(0, 8)}</span>
    </a>
  );
}
