import { safeStorage } from 'electron';
import type { SecretBox } from '../services/keys/secret-box';

/**
 * Secret keys sealed with the OS keychain through Electron's safeStorage. On Linux without a keyring,
 * safeStorage falls back to a hard-coded password ("basic_text"), which is no protection: then we use
 * plain 0600 files and say so, rather than claim an encryption that is not there.
 */
export function safeStorageBox(): SecretBox | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return undefined;
  return {
    encrypted: true,
    description: 'Encrypted with the system keychain: the secret files are useless without your login.',
    seal: (secret) => safeStorage.encryptString(secret),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed)),
  };
}
