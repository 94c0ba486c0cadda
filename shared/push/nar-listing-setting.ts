import { ApiError } from '../api/errors';

/**
 * Whether a store URL's settings ask for `.ls` NAR listings (`write-nar-listing=true`), read as Nix
 * reads a Boolean setting: true, yes or 1; false, no or 0; anything else is an error, as Nix refuses
 * it. The last occurrence wins, as for the other settings Narwhal reads from the URL.
 */
export function writeNarListingSetting(settings: ReadonlyArray<readonly [string, string]>): boolean {
  const value = settings.findLast(([key]) => key === 'write-nar-listing')?.[1];
  if (value === undefined) return false;
  if (value === 'true' || value === 'yes' || value === '1') return true;
  if (value === 'false' || value === 'no' || value === '0') return false;
  throw new ApiError('invalid-input', `write-nar-listing=${value} in the store URL: it must be true or false (or 1 or 0), as in Nix.`);
}
