import { FormatError } from '../errors';

/** For tests: runs `fn` and returns the FormatError it throws (anything else, or nothing, fails). */
export function catchFormatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError, but nothing was thrown');
}
