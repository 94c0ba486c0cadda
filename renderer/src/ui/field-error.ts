/**
 * The text of a field's error: "Label: what is wrong", so it reads on its own (in a list of errors, to
 * a screen reader). A message that already starts by naming the field (a service's "Key name … contains
 * ':'") is shown as it is, never as "Key name: Key name …".
 */
export function fieldErrorText(label: string, error: string): string {
  const named = error.trimStart().toLowerCase().startsWith(label.toLowerCase());
  return named ? error.charAt(0).toUpperCase() + error.slice(1) : `${label}: ${error}`;
}
