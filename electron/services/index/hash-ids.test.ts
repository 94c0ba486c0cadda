import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashIds, Int32Blocks, Int32List } from './hash-ids';
import { syntheticHash } from './synthetic-narinfos';

describe('HashIds', () => {
  it('numbers texts as a Map of strings would, store hashes or not, across growth', () => {
    const text = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map((i) => syntheticHash(i, 'ids')),
      fc.string({ minLength: 0, maxLength: 40 }),
      fc.string({ unit: 'grapheme', minLength: 32, maxLength: 32 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.boolean()), { maxLength: 400 }), fc.integer({ min: 1, max: 2000 }), (texts, expected) => {
        const ids = new HashIds(expected);
        const plain = new Map<string, number>();
        for (const [t, add] of texts) {
          // Each text sits inside a longer one, as a reference's hash sits in its JSON array.
          const inside = `["${t}-name"]`;
          let want = plain.get(t);
          if (want === undefined && add) plain.set(t, (want = plain.size));
          expect(ids.idOf(inside, 2, 2 + t.length, add)).toBe(want ?? -1);
        }
        expect(ids.size).toBe(plain.size);
      }),
      { numRuns: 200 },
    );
  });

  it('holds a hundred thousand hashes, the table grown many times from its smallest size', () => {
    const ids = new HashIds(1);
    const wrong: number[] = [];
    for (let i = 0; i < 100_000; i++) if (ids.idOf(syntheticHash(i, 'many'), 0, 32, true) !== i) wrong.push(i);
    expect(wrong).toEqual([]);
    for (let i = 0; i < 100_000; i += 997) expect(ids.idOf(`x${syntheticHash(i, 'many')}`, 1, 33, false)).toBe(i);
    expect(ids.idOf(syntheticHash(100_000, 'many'), 0, 32, false)).toBe(-1);
  });
});

describe('growing typed arrays', () => {
  it('keep what was appended', () => {
    const list = new Int32List(2);
    for (let i = 0; i < 5000; i++) list.push(i * 3);
    list.ensure(6000, -1);
    expect(list.length).toBe(6001);
    expect([list.values[4999], list.values[5000], list.values[6000]]).toEqual([4999 * 3, -1, -1]);
    const blocks = new Int32Blocks(7);
    for (let i = 0; i < 100; i++) blocks.push(i);
    expect(blocks.length).toBe(100);
    expect(blocks.blocks).toHaveLength(15);
    expect(blocks.blocks[14]![1]).toBe(99);
  });
});
