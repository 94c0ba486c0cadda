import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { CacheView } from '../../../../shared/api/contract';
import { api } from '../../api/client';
import { useTrustedKeys } from '../keys/queries';
import { chosenKeys, usePathUi } from './path-store';

export const pathQueries = {
  all: ['path'] as const,
  info: (cacheId: string, path: string, keys: readonly string[]) => ['path', 'info', cacheId, path, keys] as const,
  closure: (cacheId: string, path: string) => ['path', 'closure', cacheId, path] as const,
};

/** The trusted key set of the page: the defaults (nix.conf and the key store) as the user edited them. */
export function useChosenKeys() {
  const trusted = useTrustedKeys();
  const excluded = usePathUi((s) => s.excluded);
  const pasted = usePathUi((s) => s.pasted);
  const defaults = useMemo(() => [...new Set((trusted.data?.keys ?? []).filter((k) => !k.problem).map((k) => k.publicKey))], [trusted.data]);
  const keys = useMemo(() => (trusted.data || trusted.error ? chosenKeys(defaults, excluded, pasted) : undefined), [trusted.data, trusted.error, defaults, excluded, pasted]);
  return { trusted, defaults, keys };
}

export function usePathInfo(cache: CacheView, path: string, keys: readonly string[] | undefined) {
  return useQuery({
    queryKey: pathQueries.info(cache.id, path, keys ?? []),
    queryFn: ({ signal }) => api.path.info({ cacheId: cache.id, path, trustedKeys: [...keys!] }, { signal }),
    enabled: keys !== undefined,
    // Ticking a key keeps the page as it was until the new verdicts arrive; another path starts afresh.
    placeholderData: (previous, query) => (query?.queryKey[3] === path && query.queryKey[2] === cache.id ? previous : undefined),
  });
}

export function useClosure(cache: CacheView, path: string) {
  return useQuery({
    queryKey: pathQueries.closure(cache.id, path),
    queryFn: ({ signal }) => api.path.closure({ cacheId: cache.id, path }, { signal }),
  });
}

/** After the index changed (a refresh), every path page reads again. */
export function useInvalidatePaths() {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: pathQueries.all }), [client]);
}
