import type { CacheView } from '../../../../shared/api/contract';

/** The bucket policy of an S3 cache: editor, findings, simulator, live probe, lifecycle rules. (Being built.) */
export function PolicyScreen({ cache }: { cache: CacheView }) {
  return <div className="state">{cache.name}</div>;
}
