import type { ErrorCode } from '../../../../shared/api/errors';

/**
 * How each kind of failure looks and what it suggests. The service's message says precisely what
 * happened; this adds a short title, a tone (so "not initialised yet" does not look like "broken"),
 * and the one action most likely to fix it.
 */
export type ProblemTone = 'setup' | 'warning' | 'error';
export type ProblemAction = 'initialise' | 'edit' | null;

export interface ProblemLook {
  title: string;
  tone: ProblemTone;
  action: ProblemAction;
}

const looks: Partial<Record<ErrorCode, ProblemLook>> = {
  'not-a-cache': { title: 'Not a Nix cache yet', tone: 'setup', action: 'initialise' },
  'no-such-bucket': { title: 'Bucket not found', tone: 'setup', action: 'initialise' },
  'not-found': { title: 'Folder not found', tone: 'setup', action: 'initialise' },
  'bad-credentials': { title: 'Credentials rejected', tone: 'error', action: 'edit' },
  'no-credentials': { title: 'No credentials', tone: 'error', action: 'edit' },
  'access-denied': { title: 'Access denied', tone: 'error', action: 'edit' },
  'wrong-region': { title: 'Wrong region', tone: 'warning', action: 'edit' },
  unreachable: { title: 'Server unreachable', tone: 'error', action: 'edit' },
  // An ordinary web server at the endpoint: the endpoint is what to fix, never Initialise.
  'not-s3': { title: 'Not an S3 server', tone: 'error', action: 'edit' },
  throttled: { title: 'The server is throttling', tone: 'warning', action: null },
  'store-dir-mismatch': { title: 'Cache for another store', tone: 'warning', action: null },
  'bad-format': { title: 'Unreadable nix-cache-info', tone: 'error', action: null },
  'read-only': { title: 'Read-only cache', tone: 'warning', action: null },
};

export function problemLook(code: ErrorCode, writable: boolean): ProblemLook {
  const look = looks[code] ?? { title: 'Something went wrong', tone: 'error' as const, action: null };
  // Initialise writes to the cache, which an HTTP cache does not allow.
  if (look.action === 'initialise' && !writable) return { ...look, action: null };
  return look;
}
