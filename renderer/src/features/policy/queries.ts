import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CacheView } from '../../../../shared/api/contract';
import { api } from '../../api/client';

/** Server state of the Policy screen: the bucket's policy as the provider answers it. */
export const policyQueries = {
  policy: (cacheId: string) => ['policy', cacheId] as const,
};

export function useBucketPolicy(cache: CacheView) {
  return useQuery({
    queryKey: policyQueries.policy(cache.id),
    queryFn: ({ signal }) => api.policy.get({ cacheId: cache.id }, { signal }),
  });
}

export function useSavePolicy(cache: CacheView) {
  const queryClient = useQueryClient();
  return useMutation({
    /** `previous`: the policy as read (null: none), so a change someone saved meanwhile is not overwritten. */
    mutationFn: ({ text, previous }: { text: string; previous: string | null }) => api.policy.put({ cacheId: cache.id, text, previous }),
    // Also after a refusal: on a conflict the save dialog's diff then shows the bucket's policy as it is now.
    onSettled: () => queryClient.invalidateQueries({ queryKey: policyQueries.policy(cache.id) }),
  });
}

export function useDeletePolicy(cache: CacheView) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.policy.delete({ cacheId: cache.id }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: policyQueries.policy(cache.id) }),
  });
}
