import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Server state of the keys feature. The page only ever holds names and public keys. */
export const keyQueries = {
  list: ['keys'] as const,
  trusted: ['keys', 'trusted'] as const,
  snippets: (cacheId: string, keyId: string) => ['keys', 'snippets', cacheId, keyId] as const,
};

export function useKeys() {
  return useQuery({ queryKey: keyQueries.list, queryFn: () => api.keys.list() });
}

export function useTrustedKeys() {
  return useQuery({ queryKey: keyQueries.trusted, queryFn: () => api.keys.trusted() });
}

export function useSnippets(cacheId: string | undefined, keyId: string | undefined) {
  return useQuery({
    queryKey: keyQueries.snippets(cacheId ?? '', keyId ?? ''),
    queryFn: () => api.keys.snippets({ cacheId: cacheId!, keyId: keyId! }),
    enabled: Boolean(cacheId && keyId),
  });
}

/** Every key change can change the list, the trusted keys (ours are among them) and the snippets. */
function useKeyMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: keyQueries.list }) });
}

export const useGenerateKey = () => useKeyMutation((name: string) => api.keys.generate({ name }));
export const useImportSecretKey = () => useKeyMutation((text: string) => api.keys.importSecret({ text }));
export const useImportPublicKey = () => useKeyMutation((text: string) => api.keys.importPublic({ text }));
export const useRemoveKey = () => useKeyMutation((keyId: string) => api.keys.remove({ keyId }));
/** The main process writes the secret to the file; the page sends a path and gets the path back. */
export const useExportSecret = () => useMutation({ mutationFn: (input: { keyId: string; path: string }) => api.keys.exportSecret(input) });
