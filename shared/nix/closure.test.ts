import { describe, expect, it } from 'vitest';
import { closureSummary } from './closure';

const p = (name: string, narSize: number) => ({ path: `/nix/store/${'a'.repeat(32)}-${name}`, narSize });

describe('closureSummary', () => {
  it('is zero for an empty closure', () => {
    expect(closureSummary([])).toEqual({ paths: 0, narSize: 0 });
  });

  it('adds the NAR sizes of distinct paths and counts a repeated path once', () => {
    expect(closureSummary([p('a', 100), p('b', 2048), p('a', 100)])).toEqual({ paths: 2, narSize: 2148 });
  });

  it('keeps byte totals beyond 4 GiB exact', () => {
    expect(closureSummary([p('big', 5 * 2 ** 30), p('small', 1)])).toEqual({ paths: 2, narSize: 5 * 2 ** 30 + 1 });
  });
});
