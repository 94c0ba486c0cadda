import { useEffect, useMemo, useRef, useState } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { treeKeyMove, treeRows, type ClosureGraph } from '../../../../shared/path/closure-graph';
import { formatBytes } from '../push/figures';
import { openPath } from './PathPage';
import { nameOf } from './path-text';
import { usePathUi } from './path-store';

const noRows: string[] = [];
const rootRows = ['0'];

/**
 * The closure as a tree: a row's children are its references, produced only when the row is opened,
 * so a closure of thousands of paths draws what is open. A path shared by several others appears
 * under each (marked after the first); a path that is its own ancestor (a cycle, which Nix never makes
 * but a hand-edited cache can) is marked and not opened again. Keyboard as in any tree (WAI-ARIA).
 */
export function ClosureTree({ cache, graph, onWhy }: { cache: CacheView; graph: ClosureGraph; onWhy: (basename: string) => void }) {
  const treeId = `${cache.id} ${graph.nodes[0]!.hash}`;
  const stored = usePathUi((s) => s.expanded[treeId]);
  const setExpanded = usePathUi((s) => s.setExpanded);
  const rootOpen = graph.nodes[0]!.refs.length > 0;
  const expandedList = useMemo(() => stored ?? (rootOpen ? rootRows : noRows), [stored, rootOpen]);
  const expanded = useMemo(() => new Set(expandedList), [expandedList]);
  const rows = useMemo(() => treeRows(graph, expanded), [graph, expanded]);
  const [focused, setFocused] = useState('0');
  const listRef = useRef<HTMLUListElement>(null);
  const focusWanted = useRef(false);

  const current = rows.some((r) => r.key === focused) ? focused : '0';
  useEffect(() => {
    if (!focusWanted.current) return;
    focusWanted.current = false;
    listRef.current?.querySelector<HTMLElement>(`[data-key="${current}"]`)?.focus();
  }, [current, rows]);

  const toggle = (key: string, open: boolean) => setExpanded(treeId, open ? [...expandedList, key] : expandedList.filter((k) => k !== key && !k.startsWith(`${key}/`)));

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'Enter') {
      const row = rows.find((r) => r.key === current);
      if (row) openPath(cache, graph.nodes[row.node]!.basename);
      event.preventDefault();
      return;
    }
    const move = treeKeyMove(rows, current, event.key);
    if (!move) return;
    event.preventDefault();
    focusWanted.current = true;
    if ('focus' in move) setFocused(move.focus);
    else if ('expand' in move) toggle(move.expand, true);
    else toggle(move.collapse, false);
  };

  return (
    <ul className="closure-tree" role="tree" aria-label="Closure tree" ref={listRef} onKeyDown={onKeyDown}>
      {rows.map((row) => {
        const node = graph.nodes[row.node]!;
        return (
          <li
            key={row.key}
            data-key={row.key}
            role="treeitem"
            aria-level={row.depth + 1}
            aria-expanded={row.expandable ? row.expanded : undefined}
            aria-selected={row.key === current}
            aria-label={`${nameOf(node.basename)}${node.state === 'missing' ? ', missing' : node.state === 'unusable' ? ', broken narinfo' : ''}${row.cycle ? ', cycle' : ''}`}
            tabIndex={row.key === current ? 0 : -1}
            className={`closure-tree__row closure-tree__row--${node.state}${row.key === current ? ' closure-tree__row--current' : ''}`}
            style={{ paddingLeft: `${8 + row.depth * 18}px` }}
            onFocus={(event) => {
              if (event.target === event.currentTarget) setFocused(row.key);
            }}
            onClick={() => setFocused(row.key)}
          >
            <span
              className="closure-tree__toggle"
              aria-hidden="true"
              onClick={(event) => {
                event.stopPropagation();
                if (row.expandable) toggle(row.key, !row.expanded);
                setFocused(row.key);
              }}
            >
              {row.expandable ? (row.expanded ? '▾' : '▸') : '·'}
            </span>
            <a
              className="closure-tree__name"
              href={`#/caches/${encodeURIComponent(cache.id)}/paths/${encodeURIComponent(node.basename)}`}
              tabIndex={-1}
              onClick={(event) => {
                event.preventDefault();
                openPath(cache, node.basename);
              }}
            >
              {nameOf(node.basename)}
            </a>
            <span className="closure-tree__hash">{node.hash.slice(0, 8)}</span>
            {node.state === 'missing' && <span className="path-state path-state--missing">missing</span>}
            {node.state === 'unusable' && (
              <span className="path-state path-state--unusable" title={node.error}>
                broken narinfo
              </span>
            )}
            {row.cycle && <span className="path-state path-state--unusable">cycle</span>}
            {row.repeat && !row.cycle && <span className="tag">also above</span>}
            <span className="closure-tree__end">
              <span className="closure-tree__size">{node.narSize !== undefined ? formatBytes(node.narSize) : ''}</span>
              <span className="closure-tree__count">{node.refs.length > 0 ? `${node.refs.length} ref${node.refs.length === 1 ? '' : 's'}` : ''}</span>
              <button
                type="button"
                className="closure-tree__why"
                tabIndex={-1}
                hidden={row.depth === 0}
                onClick={(event) => {
                  event.stopPropagation();
                  onWhy(node.basename);
                }}
              >
                why?
              </button>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
