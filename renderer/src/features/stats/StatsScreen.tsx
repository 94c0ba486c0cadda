import { useMemo, useState } from 'react';
import type { CacheView, IndexStats } from '../../../../shared/api/contract';
import type { IndexCharts, StatsPathKind } from '../../../../shared/api/contract-stats';
import { navigate } from '../../app/route';
import { formatCount, plural } from '../../ui/format';
import { formatBytes } from '../push/figures';
import { BarChart } from './BarChart';
import { useCacheRefresh, useCharts, useStats, useStatsPaths } from './queries';
import { agoText, bucketLabel, percentText, periodLabel, periodTick, powerOfTwoLabel, ratioText, shortName } from './stats-text';
import './stats.css';

/** Numbers and plots of a cache's index: sizes, compression, signatures, missing NARs, and three plots. */
export function StatsScreen({ cache }: { cache: CacheView }) {
  const refresh = useCacheRefresh(cache);
  const stats = useStats(cache.id, refresh.generation);
  const indexed = stats.data !== undefined && (stats.data.refreshedAt !== undefined || stats.data.paths + stats.data.errors > 0);
  const charts = useCharts(cache.id, refresh.generation, indexed);
  const [shown, setShown] = useState<StatsPathKind | null>(null);

  if (stats.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">The numbers cannot be read</p>
        <p className="state__detail">{stats.error.message}</p>
      </div>
    );
  }
  if (!stats.data) {
    return (
      <div className="state">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Reading the index…</p>
      </div>
    );
  }
  if (!indexed) {
    return (
      <div className="state" role="status">
        <p className="state__title">{refresh.running ? 'Indexing this cache…' : 'Refresh to index this cache'}</p>
        <p className="state__detail">
          The numbers and plots come from the cache’s index: every narinfo, read once and kept on this machine. {refresh.running ? 'They appear when the refresh ends.' : ''}
        </p>
        <div className="state__actions">
          <button type="button" className="button button--primary" onClick={refresh.start} disabled={refresh.running}>
            {refresh.running ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
    );
  }

  const s = stats.data;
  return (
    <div className="stats">
      <div className="stats__toolbar">
        <p className="stats__when">
          {s.refreshedAt ? `Indexed ${agoText(s.refreshedAt)}` : 'Not completely indexed yet'}
          {s.narsListedAt ? '' : ' · NAR files not listed yet'}
        </p>
        {refresh.running && (
          <span className="stats__running" role="status">
            <span className="spinner" aria-hidden="true" /> Refreshing…
          </span>
        )}
        <button type="button" className="button" onClick={refresh.start} disabled={refresh.running}>
          Refresh
        </button>
      </div>

      <Numbers stats={s} shown={shown} onShow={(kind) => setShown((current) => (current === kind ? null : kind))} />
      {shown && <PathList cache={cache} kind={shown} generation={refresh.generation} onClose={() => setShown(null)} />}

      {charts.error && (
        <p className="message message--error" role="alert">
          The plots cannot be drawn: {charts.error.message}
        </p>
      )}
      {charts.data ? (
        <Plots cache={cache} charts={charts.data}>
          <CompressionTable stats={s} />
          <SignersTable stats={s} />
        </Plots>
      ) : (
        <>
          {!charts.error && (
            <p className="stats__loading">
              <span className="spinner" aria-hidden="true" /> Drawing the plots…
            </p>
          )}
          <div className="stats__pair">
            <CompressionTable stats={s} />
            <SignersTable stats={s} />
          </div>
        </>
      )}
    </div>
  );
}

const kindTitles: Record<StatsPathKind, string> = { unsigned: 'Unsigned paths', 'nar-missing': 'Narinfos whose NAR is missing', errors: 'Unusable narinfos' };

function Numbers({ stats: s, shown, onShow }: { stats: IndexStats; shown: StatsPathKind | null; onShow: (kind: StatsPathKind) => void }) {
  const narChecked = s.narsListedAt !== undefined;
  return (
    <dl className="stats__numbers">
      <Figure term="Paths" value={formatCount(s.paths)} note={s.errors ? `and ${plural(s.errors, 'unusable narinfo')}` : undefined} />
      <Figure term="NAR size" value={formatBytes(s.narBytes)} note="uncompressed, all paths" />
      <Figure term="Download size" value={formatBytes(s.fileBytes)} note={`compressed ${ratioText(s.narBytes, s.fileBytes)}`} />
      <Figure term="Unsigned" value={formatCount(s.unsigned)} note={`${percentText(s.unsigned, s.paths)} of the paths`} kind="unsigned" count={s.unsigned} shown={shown} onShow={onShow} warn={s.unsigned > 0} />
      <Figure
        term="NAR missing"
        value={narChecked ? formatCount(s.narMissing) : '–'}
        note={narChecked ? `${plural(s.narFiles, 'NAR file')}, ${formatBytes(s.narFileBytes)}` : 'refresh to list nar/'}
        kind="nar-missing"
        count={s.narMissing}
        shown={shown}
        onShow={onShow}
        warn={s.narMissing > 0}
      />
      <Figure term="Unusable" value={formatCount(s.errors)} note="narinfos that do not parse" kind="errors" count={s.errors} shown={shown} onShow={onShow} warn={s.errors > 0} />
    </dl>
  );
}

function Figure(props: { term: string; value: string; note?: string; kind?: StatsPathKind; count?: number; shown?: StatsPathKind | null; onShow?: (kind: StatsPathKind) => void; warn?: boolean }) {
  const { term, value, note, kind, count, shown, onShow, warn } = props;
  const clickable = kind !== undefined && (count ?? 0) > 0 && onShow;
  return (
    <div className={`stats__figure${warn ? ' stats__figure--warn' : ''}`}>
      <dt>{term}</dt>
      <dd className="stats__value">
        {clickable ? (
          <button type="button" className="stats__show" aria-expanded={shown === kind} aria-controls="stats-paths" onClick={() => onShow(kind)}>
            {value}
            <span className="stats__show-hint">{shown === kind ? 'hide' : 'show'}</span>
          </button>
        ) : (
          value
        )}
      </dd>
      {note && <dd className="stats__note">{note}</dd>}
    </div>
  );
}

/** Opens a path's page in the table, as selecting its row does. */
const openPath = (cacheId: string, base: string) => navigate({ view: 'caches', cacheId, tab: 'paths', path: base, pathTab: 'overview' });

function PathList({ cache, kind, generation, onClose }: { cache: CacheView; kind: StatsPathKind; generation: string; onClose: () => void }) {
  const list = useStatsPaths(cache.id, kind, generation);
  return (
    <section className="stats__panel stats__paths" id="stats-paths" aria-labelledby="stats-paths-title">
      <div className="stats__panel-head">
        <h2 id="stats-paths-title">{kindTitles[kind]}</h2>
        {list.data && list.data.total > list.data.paths.length && (
          <span className="stats__muted">
            the first {formatCount(list.data.paths.length)} of {formatCount(list.data.total)}, by name
          </span>
        )}
        <button type="button" className="button button--small" onClick={onClose}>
          Close
        </button>
      </div>
      {list.error && <p className="message message--error">{list.error.message}</p>}
      {!list.data && !list.error && <span className="spinner" aria-hidden="true" />}
      {list.data && (
        <ul className="stats__path-list">
          {list.data.paths.map((p) => {
            const base = p.name ? `${p.hash}-${p.name}` : p.hash;
            return (
              <li key={p.hash}>
                <a
                  href={`#/caches/${encodeURIComponent(cache.id)}/paths/${encodeURIComponent(base)}/overview`}
                  onClick={(event) => {
                    event.preventDefault();
                    openPath(cache.id, base);
                  }}
                >
                  <span className="stats__path-name">{p.name ?? p.hash}</span>
                  <code className="stats__path-hash">{p.hash}</code>
                </a>
                <span className="stats__path-detail">{kind === 'errors' ? p.error : kind === 'nar-missing' ? p.url : p.narSize !== undefined ? formatBytes(p.narSize) : ''}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function CompressionTable({ stats: s }: { stats: IndexStats }) {
  return (
    <section className="stats__panel" aria-labelledby="stats-compression">
      <h2 id="stats-compression">Compression</h2>
      <table className="stats__table">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Paths</th>
            <th scope="col">NAR</th>
            <th scope="col">Download</th>
            <th scope="col">Ratio</th>
          </tr>
        </thead>
        <tbody>
          {s.compression.map((c) => (
            <tr key={c.method}>
              <th scope="row">{c.method}</th>
              <td>{formatCount(c.paths)}</td>
              <td>{formatBytes(c.narBytes)}</td>
              <td>{formatBytes(c.fileBytes)}</td>
              <td>{ratioText(c.narBytes, c.fileBytes)}</td>
            </tr>
          ))}
          {s.compression.length === 0 && (
            <tr>
              <td colSpan={5} className="stats__muted">
                No paths
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function SignersTable({ stats: s }: { stats: IndexStats }) {
  return (
    <section className="stats__panel" aria-labelledby="stats-signers">
      <h2 id="stats-signers">Signatures</h2>
      <table className="stats__table">
        <thead>
          <tr>
            <th scope="col">Key name</th>
            <th scope="col">Paths signed</th>
            <th scope="col">Coverage</th>
          </tr>
        </thead>
        <tbody>
          {s.signers.map((k) => (
            <tr key={k.key}>
              <th scope="row">
                <code>{k.key}</code>
              </th>
              <td>{formatCount(k.paths)}</td>
              <td>
                <span className="stats__coverage">
                  <span className="stats__coverage-bar" aria-hidden="true">
                    <span style={{ width: `${s.paths ? (100 * k.paths) / s.paths : 0}%` }} />
                  </span>
                  {percentText(k.paths, s.paths)}
                </span>
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row" className="stats__muted">
              unsigned
            </th>
            <td>{formatCount(s.unsigned)}</td>
            <td>{percentText(s.unsigned, s.paths)}</td>
          </tr>
        </tbody>
      </table>
      <p className="stats__muted stats__footnote">By key name; whether a signature verifies is on each path’s page.</p>
    </section>
  );
}

/** The plots, with the tables (`children`) between the two small plots and the closures. */
function Plots({ cache, charts, children }: { cache: CacheView; charts: IndexCharts; children: React.ReactNode }) {
  const histogram = charts.sizeHistogram;
  const added = charts.added;
  const closures = charts.largestClosures;
  const histogramLabels = useMemo(() => histogram.map((b) => (b.from === 0 ? '0' : powerOfTwoLabel(b.from))), [histogram]);
  const histogramValues = useMemo(() => histogram.map((b) => b.paths), [histogram]);
  const spansYears = added.points.length > 0 && new Date(added.points[0]!.start).getUTCFullYear() !== new Date(added.points.at(-1)!.start).getUTCFullYear();
  const addedLabels = useMemo(() => added.points.map((p) => periodTick(p.start, spansYears)), [added, spansYears]);
  const addedValues = useMemo(() => added.points.map((p) => p.paths), [added]);
  const closureLabels = useMemo(() => closures.map((c) => shortName(c.name)), [closures]);
  const closureValues = useMemo(() => closures.map((c) => c.narBytes), [closures]);
  const commonest = histogram.reduce((best, b) => (b.paths > (best?.paths ?? -1) ? b : best), histogram[0]);
  const busiest = added.points.reduce((best, p) => (p.paths > (best?.paths ?? -1) ? p : best), added.points[0]);

  return (
    <>
      <div className="stats__pair">
        <Plot
          id="sizes"
          title="NAR sizes"
          subtitle="paths per power-of-two step"
          empty={histogram.length === 0}
          table={
            <Table head={['NAR size', 'Paths', 'NAR bytes']} rows={histogram.filter((b) => b.paths > 0).map((b) => [bucketLabel(b.from, b.to), formatCount(b.paths), formatBytes(b.narBytes)])} />
          }
        >
          <BarChart
            label={`Histogram of NAR sizes over ${histogram.length} power-of-two steps${commonest ? `; the most paths (${formatCount(commonest.paths)}) are ${bucketLabel(commonest.from, commonest.to)}` : ''}.`}
            labels={histogramLabels}
            values={histogramValues}
            formatValue={(v) => formatCount(v)}
            tooltip={(i) => [`${plural(histogram[i]!.paths, 'path')} of ${bucketLabel(histogram[i]!.from, histogram[i]!.to)}`, `${formatBytes(histogram[i]!.narBytes)} of NAR`]}
            height={220}
          />
        </Plot>

        <Plot
          id="added"
          title="Paths added over time"
          subtitle={`per ${added.unit}, by narinfo date (UTC)`}
          empty={added.points.length === 0}
          table={<Table head={[added.unit === 'week' ? 'Week of' : 'Day', 'Paths', 'NAR bytes']} rows={added.points.filter((p) => p.paths > 0).map((p) => [periodLabel(p.start, 'day'), formatCount(p.paths), formatBytes(p.narBytes)])} />}
        >
          <BarChart
            label={`Paths added per ${added.unit} over ${plural(added.points.length, added.unit)}${busiest ? `; the most (${formatCount(busiest.paths)}) in the ${added.unit} of ${periodLabel(busiest.start, 'day')}` : ''}.`}
            labels={addedLabels}
            values={addedValues}
            formatValue={(v) => formatCount(v)}
            tooltip={(i) => [`${periodLabel(added.points[i]!.start, added.unit)}: ${plural(added.points[i]!.paths, 'path')}`, `${formatBytes(added.points[i]!.narBytes)} of NAR`]}
            height={220}
          />
        </Plot>
      </div>
      <div className="stats__pair">{children}</div>
      <Plot
        id="closures"
        title="Largest closures"
        subtitle="NAR bytes of each path with everything it refers to in this cache; click a bar to open the path"
        empty={closures.length === 0}
        table={
          <Table
            head={['Path', 'Closure paths', 'Closure NAR', 'Closure download']}
            rows={closures.map((c) => [
              <a
                key={c.hash}
                href={`#/caches/${encodeURIComponent(cache.id)}/paths/${encodeURIComponent(`${c.hash}-${c.name}`)}/overview`}
                onClick={(event) => {
                  event.preventDefault();
                  openPath(cache.id, `${c.hash}-${c.name}`);
                }}
              >
                {c.name}
              </a>,
              formatCount(c.paths),
              formatBytes(c.narBytes),
              formatBytes(c.fileBytes),
            ])}
          />
        }
      >
        <BarChart
          label={`The ${closures.length} largest closures by NAR bytes${closures[0] ? `; the largest is ${closures[0].name} with ${plural(closures[0].paths, 'path')}, ${formatBytes(closures[0].narBytes)}` : ''}.`}
          labels={closureLabels}
          values={closureValues}
          horizontal
          formatValue={formatBytes}
          tooltip={(i) => [closures[i]!.name, `${plural(closures[i]!.paths, 'path')}, ${formatBytes(closures[i]!.narBytes)} of NAR`, `${formatBytes(closures[i]!.fileBytes)} to download`]}
          onSelect={(i) => openPath(cache.id, `${closures[i]!.hash}-${closures[i]!.name}`)}
          height={Math.max(120, closures.length * 24 + 40)}
        />
      </Plot>

    </>
  );
}

function Plot({ id, title, subtitle, empty, table, children }: { id: string; title: string; subtitle: string; empty: boolean; table: React.ReactNode; children: React.ReactNode }) {
  return (
    <figure className="stats__panel stats__plot" aria-labelledby={`plot-${id}`}>
      <figcaption>
        <h2 id={`plot-${id}`}>{title}</h2>
        <span className="stats__muted">{subtitle}</span>
      </figcaption>
      {empty ? <p className="stats__muted stats__empty">No paths to plot.</p> : children}
      {!empty && (
        <details className="stats__details">
          <summary>Show as a table</summary>
          {table}
        </details>
      )}
    </figure>
  );
}

function Table({ head, rows }: { head: string[]; rows: React.ReactNode[][] }) {
  return (
    <table className="stats__table">
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {row.map((cell, j) => (j === 0 ? <th key={j} scope="row">{cell}</th> : <td key={j}>{cell}</td>))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
