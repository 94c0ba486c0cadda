import { QueryClient } from '@tanstack/react-query';

/**
 * API errors are answers (bad credentials, no such bucket), not network hiccups: retrying them only
 * delays the message. Refetching on focus would re-list whole caches, so views refresh on events instead.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
