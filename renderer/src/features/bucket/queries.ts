import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CacheView } from '../../../../shared/api/contract';
import type { LifecycleRule } from '../../../../shared/bucket/lifecycle-rules';
import { api } from '../../api/client';

/** Server state of the bucket panels: lifecycle rules by cache. A probe writes, so it runs only when asked (a mutation). */
export const bucketKeys = {
  lifecycle: (cacheId: string) => ['bucket', cacheId, 'lifecycle'] as const,
};

export function useProbe(cache: CacheView) {
  return useMutation({
    mutationKey: ['bucket', cache.id, 'probe'],
    mutationFn: () => api.bucket.probe({ cacheId: cache.id }),
  });
}

export function useLifecycle(cache: CacheView) {
  return useQuery({
    queryKey: bucketKeys.lifecycle(cache.id),
    queryFn: ({ signal }) => api.bucket.lifecycle({ cacheId: cache.id }, { signal }),
  });
}

export function useSaveLifecycle(cache: CacheView) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rules, previous }: { rules: LifecycleRule[]; previous: LifecycleRule[] }) => api.bucket.putLifecycle({ cacheId: cache.id, rules, previous }),
    // Also after a refusal: a conflict means the rules changed, and the page should show the new ones.
    onSettled: () => queryClient.invalidateQueries({ queryKey: bucketKeys.lifecycle(cache.id) }),
  });
}

/**
 * The bucket's saved policy, which the probe meets (not the editor's draft). Same key as the Policy
 * screen's query, so saving a policy there refreshes the comparison here.
 */
export function useSavedPolicy(cache: CacheView) {
  return useQuery({
    queryKey: ['policy', cache.id] as const,
    queryFn: ({ signal }) => api.policy.get({ cacheId: cache.id }, { signal }),
    enabled: cache.config.kind === 's3',
  });
}
