import type { UseQueryResult } from '@tanstack/react-query';
import type { CacheView, TestResult } from '../../../../shared/api/contract';
import { nixCannotReadBefore210 } from '../../../../shared/caches/folder-path';
import { CopyButton } from '../../ui/CopyButton';
import { KindBadge } from './KindBadge';
import { TestStatus } from './TestStatus';
import { useCacheUi } from './ui-store';

export function CacheHeader({ cache, test }: { cache: CacheView; test: UseQueryResult<TestResult> }) {
  const open = useCacheUi((s) => s.open);
  return (
    <header className="cache-header">
      <div className="cache-header__top">
        <div className="cache-header__title">
          <h1>{cache.name}</h1>
          <KindBadge kind={cache.config.kind} />
        </div>
        <div className="cache-header__actions">
          <button type="button" className="button" onClick={() => void test.refetch()} disabled={test.isFetching}>
            {test.isFetching ? 'Testing…' : 'Test'}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => open({ kind: 'initialise', cacheId: cache.id })}
            disabled={!cache.writable}
            title={cache.writable ? 'Write nix-cache-info (creating the bucket or folder if needed)' : 'An HTTP cache is read-only'}
          >
            Initialise…
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'edit', cacheId: cache.id })}>
            Edit…
          </button>
          <button type="button" className="button button--quiet-danger" onClick={() => open({ kind: 'remove', cacheId: cache.id })}>
            Remove…
          </button>
        </div>
      </div>
      <div className="store-url">
        <span className="store-url__label">Store URL</span>
        <code className="store-url__value">{cache.storeUrl}</code>
        <CopyButton text={cache.storeUrl} what="store URL" />
      </div>
      {cache.config.kind === 'file' && nixCannotReadBefore210(cache.config.path) && (
        // Nix 2.9 and older take a file:// URL's %-escapes literally and refuse raw spaces, so no
        // URL reaches this folder with them; 2.10 and later decode the escapes.
        <p className="store-url__note" role="note">
          This folder's name needs %-escapes in a store URL, which Nix 2.10 and later read as meant. Nix 2.9 and older would write to a folder
          literally named with the escapes: rename the folder, or use a newer Nix.
        </p>
      )}
      <TestStatus cache={cache} test={test} />
    </header>
  );
}
