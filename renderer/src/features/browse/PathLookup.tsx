import { useId, useState } from 'react';
import './browse.css';
import type { CacheView } from '../../../../shared/api/contract';
import { navigate } from '../../app/route';
import { parseLookup } from './lookup';

/**
 * An HTTP cache has no listing, so there is no table: look a path up by its store path, base name or
 * hash, and follow references from its page.
 */
export function PathLookup({ cache }: { cache: CacheView }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  return (
    <section className="browser" aria-label="Store paths">
      <div className="state state--info">
        <p className="state__title">This HTTP cache cannot be listed</p>
        <p className="state__detail">
          {cache.storeUrl} serves files but no directory of them, so its paths cannot be counted or searched. Look a path up by its store path or
          hash, and follow its references from its page.
        </p>
        <form
          className="lookup"
          onSubmit={(event) => {
            event.preventDefault();
            const result = parseLookup(text);
            if ('error' in result) return setError(result.error);
            setError(null);
            navigate({ view: 'caches', cacheId: cache.id, tab: 'paths', path: result.path, pathTab: 'overview' });
          }}
        >
          <input
            className="input lookup__input"
            aria-label="Look up a store path"
            placeholder="/nix/store/…-name, <hash>-<name> or a hash"
            value={text}
            aria-invalid={error !== null}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
          />
          <button type="submit" className="button button--primary">
            Open
          </button>
        </form>
        {error && (
          <p className="lookup__error" id={errorId} role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
