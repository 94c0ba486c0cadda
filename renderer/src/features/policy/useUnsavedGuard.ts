import { useEffect } from 'react';

/**
 * Closing the window or reloading with unsaved policy edits asks first (the browser's own prompt).
 * Moving to another tab or cache needs no prompt: the draft is kept (policy-store) and waits there.
 */
export function useUnsavedGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
