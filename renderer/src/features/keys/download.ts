import type { KeyView } from '../../../../shared/api/contract';
import { publicKeyFileName } from './key-format';

/** Offers the public key as a file; the page never has anything else to offer. */
export function downloadPublicKey(key: KeyView): void {
  const url = URL.createObjectURL(new Blob([key.publicKey + '\n'], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = publicKeyFileName(key);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
