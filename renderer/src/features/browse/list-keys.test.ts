import { describe, expect, it } from 'vitest';
import { nextIndex } from './list-keys';

describe('nextIndex', () => {
  it('moves by one with the arrows and stops at the ends', () => {
    expect(nextIndex('ArrowDown', 3, 10, 5)).toBe(4);
    expect(nextIndex('ArrowUp', 3, 10, 5)).toBe(2);
    expect(nextIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextIndex('ArrowDown', 9, 10, 5)).toBe(9);
  });

  it('moves by a screenful less one row with the Page keys, so one row stays in view', () => {
    expect(nextIndex('PageDown', 0, 100, 20)).toBe(19);
    expect(nextIndex('PageUp', 50, 100, 20)).toBe(31);
    expect(nextIndex('PageDown', 95, 100, 20)).toBe(99);
    expect(nextIndex('PageDown', 0, 100, 1)).toBe(1);
  });

  it('jumps to the ends with Home and End', () => {
    expect(nextIndex('Home', 50, 100_000, 20)).toBe(0);
    expect(nextIndex('End', 0, 100_000, 20)).toBe(99_999);
  });

  it('starts a selection on the first move', () => {
    expect(nextIndex('ArrowDown', -1, 10, 5)).toBe(0);
    expect(nextIndex('End', -1, 10, 5)).toBe(9);
  });

  it('ignores other keys and empty lists', () => {
    expect(nextIndex('a', 0, 10, 5)).toBeNull();
    expect(nextIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });
});
