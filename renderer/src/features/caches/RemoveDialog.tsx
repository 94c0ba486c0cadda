import type { CacheView } from '../../../../shared/api/contract';
import { Dialog } from '../../ui/Dialog';
import { WrappingUrl } from '../../ui/WrappingUrl';
import { useRemoveCache } from './queries';

export function RemoveDialog({ cache, onClose }: { cache: CacheView; onClose: () => void }) {
  const remove = useRemoveCache();
  return (
    <Dialog title={`Remove ${cache.name}?`} onClose={onClose}>
      <div className="dialog__body">
        <p>
          Narwhal forgets this connection. The {cache.config.kind === 's3' ? 'bucket' : cache.config.kind === 'file' ? 'folder' : 'server'} and everything in it
          stay as they are; you can add it again later.
        </p>
        <p>
          <code>
            <WrappingUrl url={cache.storeUrl} />
          </code>
        </p>
        {remove.error && (
          <p className="message message--error" role="alert">
            Could not remove: {remove.error.message}
          </p>
        )}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button--danger" disabled={remove.isPending} onClick={() => remove.mutate(cache.id, { onSuccess: onClose })}>
          {remove.isPending ? 'Removing…' : 'Remove cache'}
        </button>
      </div>
    </Dialog>
  );
}
