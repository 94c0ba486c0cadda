/**
 * Errors that cross the API. A service throws `ApiError` with a code the UI can act on and a message a
 * person can read; anything else that escapes a service is reported as `internal` (its message kept,
 * its stack not sent).
 */
export const errorCodes = [
  'invalid-input',
  'not-found',
  'conflict',
  'cancelled',
  'internal',
  /** The page lost its connection to Narwhal (the browser shell's WebSocket) before the answer came. */
  'disconnected',
  // Cache connections (see electron/services/stores/s3-errors.ts for how S3 answers map to these).
  'bad-credentials',
  'no-credentials',
  'no-such-bucket',
  'wrong-region',
  'unreachable',
  /** The server asks us to slow down (S3 503 SlowDown, HTTP 429) and kept asking after several retries. */
  'throttled',
  /** The endpoint answers HTTP but not as an S3 server (an HTML page, an empty 404). */
  'not-s3',
  'access-denied',
  'not-a-cache',
  'store-dir-mismatch',
  'read-only',
  'bad-format',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toWire(): WireError {
    return { code: this.code, message: this.message };
  }

  static fromWire(e: WireError): ApiError {
    return new ApiError(errorCodes.includes(e.code) ? e.code : 'internal', String(e.message));
  }
}

export function toWireError(e: unknown): WireError {
  if (e instanceof ApiError) return e.toWire();
  if (e instanceof Error && e.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
