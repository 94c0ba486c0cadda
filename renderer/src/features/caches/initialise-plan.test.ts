import { describe, expect, it } from 'vitest';
import { initialForm, planInitialise } from './initialise-plan';

describe('Initialise on a cache that has nix-cache-info', () => {
  const bare = { storeDir: '/nix/store' };

  it('starts from the current values and, untouched, changes nothing', () => {
    expect(initialForm(bare)).toEqual({ wantMassQuery: false, priority: '' });
    expect(planInitialise(bare, initialForm(bare))).toEqual({ ok: true, changes: [], request: {} });
    const set = { storeDir: '/nix/store', wantMassQuery: true, priority: 30 };
    expect(initialForm(set)).toEqual({ wantMassQuery: true, priority: '30' });
    expect(planInitialise(set, initialForm(set))).toEqual({ ok: true, changes: [], request: {} });
  });

  it('says what will change and asks for only that', () => {
    expect(planInitialise(bare, { wantMassQuery: false, priority: '40' })).toEqual({
      ok: true,
      changes: [{ field: 'Priority', from: 'unset', to: '40' }],
      request: { priority: 40 },
    });
    expect(planInitialise({ storeDir: '/nix/store', wantMassQuery: true, priority: 40 }, { wantMassQuery: false, priority: '40' })).toEqual({
      ok: true,
      changes: [{ field: 'WantMassQuery', from: 'yes', to: 'no' }],
      request: { wantMassQuery: false },
    });
  });

  it('refuses a priority that is not a whole number from 0 to 1000, and an empty one where it is set', () => {
    for (const priority of ['-1', '1001', '2.5', 'abc']) expect(planInitialise(bare, { wantMassQuery: false, priority })).toMatchObject({ ok: false });
    expect(planInitialise({ storeDir: '/nix/store', priority: 10 }, { wantMassQuery: false, priority: '' })).toMatchObject({ ok: false });
  });
});

describe('Initialise on a new cache', () => {
  it('starts from WantMassQuery on and Priority 40, and sends both', () => {
    expect(initialForm(undefined)).toEqual({ wantMassQuery: true, priority: '40' });
    expect(planInitialise(undefined, { wantMassQuery: true, priority: '25' })).toEqual({ ok: true, changes: [], request: { wantMassQuery: true, priority: 25 } });
    expect(planInitialise(undefined, { wantMassQuery: true, priority: '' })).toMatchObject({ ok: false });
  });
});
