import { CacheFormDialog } from './CacheFormDialog';
import { InitialiseDialog } from './InitialiseDialog';
import { useCaches } from './queries';
import { RemoveDialog } from './RemoveDialog';
import { useCacheUi } from './ui-store';

/** Whichever cache dialog is open; a dialog about a cache that disappeared (another window removed it) closes. */
export function CacheDialogs() {
  const dialog = useCacheUi((s) => s.dialog);
  const close = useCacheUi((s) => s.close);
  const caches = useCaches();
  if (!dialog) return null;
  if (dialog.kind === 'add') return <CacheFormDialog onClose={close} startWith={dialog.startWith} />;
  const cache = caches.data?.caches.find((c) => c.id === dialog.cacheId);
  if (!cache) return null;
  switch (dialog.kind) {
    case 'edit':
      return <CacheFormDialog key={cache.id} cache={cache} onClose={close} />;
    case 'remove':
      return <RemoveDialog cache={cache} onClose={close} />;
    case 'initialise':
      return <InitialiseDialog cache={cache} onClose={close} />;
  }
}
