import type { CacheKind } from '../../../../shared/caches/config';

export const kindLabels: Record<CacheKind, string> = { s3: 'S3 bucket', file: 'Local folder', http: 'HTTP · read-only' };
const shortLabels: Record<CacheKind, string> = { s3: 'S3', file: 'DIR', http: 'HTTP' };

export function KindBadge({ kind }: { kind: CacheKind }) {
  return <span className={`badge badge--${kind}`}>{kindLabels[kind]}</span>;
}

/** The small square in the sidebar; the kind is spelled out for screen readers by the badge text. */
export function KindIcon({ kind }: { kind: CacheKind }) {
  return (
    <span className={`kind-icon kind-icon--${kind}`} aria-hidden="true">
      {shortLabels[kind]}
    </span>
  );
}
