import { useMemo, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import type { ClosureView } from '../../../../shared/api/contract-path';
import { closureTotals, findNode, whyChain } from '../../../../shared/path/closure-graph';
import { api } from '../../api/client';
import { formatBytes } from '../push/figures';
import { formatCount, plural } from '../../ui/format';
import { ClosureTree } from './ClosureTree';
import { PathLink } from './OverviewTab';
import { formatUtc, nameOf } from './path-text';
import { useClosure, useInvalidatePaths } from './queries';

/** The closure as the cache records it: its size, a tree to walk, and why a path is in it. */
export function ClosureTab({ cache, path }: { cache: CacheView; path: string }) {
  const closure = useClosure(cache, path);
  const [whyQuery, setWhyQuery] = useState('');

  if (closure.error) {
    return (
      <div className="state state--error" role="alert">
        <p className="state__title">Could not read the closure</p>
        <p className="state__detail">{closure.error.message}</p>
      </div>
    );
  }
  if (!closure.data) {
    return (
      <div className="state" aria-busy="true">
        <span className="spinner spinner--large" aria-hidden="true" />
        <p className="state__detail">Following References through the cache…</p>
      </div>
    );
  }
  const data = closure.data;
  if (data.nodes[0]?.state === 'missing') {
    return (
      <div className="state" role="status" aria-label="Not in this cache">
        <p className="state__title">Not in this cache</p>
        <p className="state__detail">{cache.name} has no narinfo for this path, so it has no closure here.</p>
      </div>
    );
  }
  return (
    <div className="path-closure">
      <Totals cache={cache} data={data} refetching={closure.isFetching} />
      <div className="path-closure__body">
        <section className="path-card path-closure__tree" aria-labelledby="closure-tree">
          <h3 id="closure-tree">References, level by level</h3>
          <p className="fact--muted">→ opens, ← closes, Enter goes to the path's page.</p>
          <ClosureTree cache={cache} graph={data} onWhy={setWhyQuery} />
        </section>
        <WhyPanel cache={cache} data={data} query={whyQuery} setQuery={setWhyQuery} />
      </div>
    </div>
  );
}

function Totals({ cache, data, refetching }: { cache: CacheView; data: ClosureView; refetching: boolean }) {
  const totals = useMemo(() => closureTotals(data), [data]);
  const invalidate = useInvalidatePaths();
  const [refresh, setRefresh] = useState<{ running: boolean; error?: string }>({ running: false });
  const broken = totals.missing + totals.unusable;
  const canRefresh = cache.config.kind !== 'http';

  const refreshIndex = async () => {
    setRefresh({ running: true });
    try {
      await api.index.refresh({ cacheId: cache.id }).result;
      await invalidate();
      setRefresh({ running: false });
    } catch (e) {
      setRefresh({ running: false, error: (e as Error).message });
    }
  };

  return (
    <div className="path-card path-closure__totals">
      <dl className="path-figures" role="status" aria-label="Closure size">
        <div>
          <dt>Paths</dt>
          <dd>{formatCount(totals.paths)}</dd>
        </div>
        <div>
          <dt>NAR size</dt>
          <dd>{formatBytes(totals.narBytes)}</dd>
        </div>
        <div>
          <dt>Download size</dt>
          <dd>{formatBytes(totals.fileBytes)}</dd>
        </div>
        <div>
          <dt>Missing</dt>
          <dd className={broken > 0 ? 'path-figures__bad' : undefined}>{formatCount(broken)}</dd>
        </div>
      </dl>
      {broken > 0 && (
        <p className="message message--error" role="alert" aria-label="Closure incomplete">
          {totals.missing > 0 && `${plural(totals.missing, 'path')} of the closure ${totals.missing === 1 ? 'is' : 'are'} missing from this cache`}
          {totals.missing > 0 && totals.unusable > 0 && '; '}
          {totals.unusable > 0 && `${plural(totals.unusable, 'narinfo')} cannot be used`}. A client substituting this path from {cache.name} alone fails. Sizes count only what the cache has.
        </p>
      )}
      <p className="fact--muted path-closure__source">
        {data.source === 'index' && data.refreshedAt ? `Read from the index as refreshed ${formatUtc(data.refreshedAt)} (this path read afresh).` : 'Read narinfo by narinfo from the cache.'}{' '}
        {canRefresh && (
          <button type="button" className="button button--small" onClick={refreshIndex} disabled={refresh.running || refetching}>
            {refresh.running ? 'Refreshing…' : 'Refresh index'}
          </button>
        )}
        {refresh.error && <span className="path-trust__problem"> {refresh.error}</span>}
      </p>
    </div>
  );
}

/** "Why is B in the closure of A": a shortest chain of references, or why there is none. */
function WhyPanel({ cache, data, query, setQuery }: { cache: CacheView; data: ClosureView; query: string; setQuery: (q: string) => void }) {
  const root = data.nodes[0]!;
  const answer = useMemo(() => {
    if (query.trim() === '') return undefined;
    const found = findNode(data, query);
    if (found === undefined) return { kind: 'absent' as const };
    return { kind: 'chain' as const, chain: whyChain(data, found)! };
  }, [data, query]);

  return (
    <section className="path-card path-closure__why" aria-labelledby="closure-why">
      <h3 id="closure-why">Why is it in the closure?</h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(String(new FormData(event.currentTarget).get('why') ?? ''));
        }}
      >
        <label className="field__label" htmlFor="closure-why-input">
          Path (name, base name, hash or store path)
        </label>
        <div className="input-row">
          <input id="closure-why-input" name="why" className="input input--mono" list="closure-why-names" key={query} defaultValue={query} placeholder="e.g. glibc" />
          <button type="submit" className="button">
            Explain
          </button>
        </div>
        <datalist id="closure-why-names">
          {data.nodes.slice(1, 2000).map((n) => (
            <option key={n.hash} value={n.basename} />
          ))}
        </datalist>
      </form>
      <div role="status" aria-label="Why chain" className="path-why">
        {answer?.kind === 'absent' && (
          <p className="message message--warning">
            “{query.trim()}” is not in the closure of {nameOf(root.basename)}: no chain of references leads from it to such a path.
          </p>
        )}
        {answer?.kind === 'chain' && answer.chain.length === 1 && <p>That is {nameOf(root.basename)} itself.</p>}
        {answer?.kind === 'chain' && answer.chain.length > 1 && (
          <>
            <p>
              A shortest chain: {plural(answer.chain.length - 1, 'reference')} from {nameOf(root.basename)}.
            </p>
            <ol className="path-why__chain">
              {answer.chain.map((index, step) => {
                const node = data.nodes[index]!;
                return (
                  <li key={node.hash}>
                    {step > 0 && <span className="path-why__arrow" aria-hidden="true">↳ refers to </span>}
                    <PathLink cache={cache} basename={node.basename} />
                    {node.state !== 'present' && <span className={`path-state path-state--${node.state}`}>{node.state === 'missing' ? 'missing' : 'broken narinfo'}</span>}
                  </li>
                );
              })}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}
