import type { KeyView } from '../../../../shared/api/contract';

/** The `<option>`s of a "Sign with" select: the keys with a secret, those whose secret cannot be read here shown but disabled, saying why. */
export function SigningKeyOptions({ keys }: { keys: readonly KeyView[] }) {
  return keys
    .filter((k) => k.hasSecret)
    .map((k) => (
      <option key={k.id} value={k.id} disabled={!k.secretAvailable}>
        {k.name}
        {k.secretAvailable ? '' : ' (its secret cannot be read here)'}
      </option>
    ));
}
