/**
 * Where the selection goes for a key press in the path list, like a native list box: arrows by one,
 * Page keys by a screenful, Home/End to the ends. `null` means the key is not ours.
 */
export function nextIndex(key: string, current: number, count: number, pageSize: number): number | null {
  if (count === 0) return null;
  const page = Math.max(1, pageSize - 1);
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  // With nothing selected yet, the first move lands on the first (or, upwards, the last) row.
  if (current < 0) {
    if (key === 'ArrowDown' || key === 'PageDown' || key === 'Home') return 0;
    if (key === 'ArrowUp' || key === 'PageUp' || key === 'End') return key === 'End' ? count - 1 : 0;
    return null;
  }
  switch (key) {
    case 'ArrowDown':
      return clamp(current + 1);
    case 'ArrowUp':
      return clamp(current - 1);
    case 'PageDown':
      return clamp(current + page);
    case 'PageUp':
      return clamp(current - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
