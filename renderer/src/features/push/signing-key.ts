import type { KeyView } from '../../../../shared/api/contract';

/** The first key that can sign here, unless the user chose another (or chose to push unsigned). */
export function chosenKey(keys: readonly KeyView[], choice: string | null): string {
  if (choice === 'unsigned') return 'unsigned';
  const signing = keys.filter((key) => key.secretAvailable);
  if (choice && signing.some((key) => key.id === choice)) return choice;
  return signing[0]?.id ?? 'unsigned';
}
