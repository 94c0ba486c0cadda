import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { createQueryClient } from './query-client';
import { useApiEvents } from './useApiEvents';

function EventBridge({ children }: { children: ReactNode }) {
  useApiEvents();
  return children;
}

export function AppProviders({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <EventBridge>{children}</EventBridge>
    </QueryClientProvider>
  );
}
