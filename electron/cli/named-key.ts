import { ApiError } from '../../shared/api/errors';
import type { KeyInfo, KeyStore } from '../services/keys/key-store';

/**
 * A key of Narwhal's key store by the name the Keys screen shows (or its id), for `--key-name`. Only
 * keys with a secret half count: the flag is for signing and exporting. Two signing keys may share a
 * name (after a rotation); then the id picks one, and the message lists them.
 */
export async function signingKeyNamed(keys: KeyStore, nameOrId: string, dataDir: string): Promise<KeyInfo> {
  const all = await keys.list();
  const byId = all.find((k) => k.id === nameOrId);
  const named = byId ? [byId] : all.filter((k) => k.name === nameOrId);
  const signing = named.filter((k) => k.hasSecret);
  if (signing.length === 1) return signing[0]!;
  if (signing.length > 1) {
    throw new ApiError('conflict', `${signing.length} keys are named "${nameOrId}" (${signing.map((k) => `${k.id}: ${k.publicKey}`).join('; ')}); give the id of one to --key-name.`);
  }
  if (named.length > 0) throw new ApiError('invalid-input', `The key "${nameOrId}" in ${dataDir} is a public key only; it cannot sign.`);
  const names = [...new Set(all.filter((k) => k.hasSecret).map((k) => JSON.stringify(k.name)))].join(', ');
  throw new ApiError(
    'not-found',
    `No signing key named "${nameOrId}" in ${dataDir}` + (names ? ` (its signing keys: ${names}).` : ' (it has no signing keys).') + ' Use --key FILE for a key file, or --data-dir for another data folder.',
  );
}
