import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalPathInfo } from '../nix/closure';
import { NarinfoOrder, planPush } from './plan';

const nix32 = '0123456789abcdfghijklmnpqrsvwxyz';
const hashFor = (i: number) => Array.from({ length: 32 }, (_, j) => nix32[(i * 7 + j * 13) % 32]).join('');
const pathFor = (i: number) => `/nix/store/${hashFor(i)}-p${i}`;

function info(i: number, refs: number[], narSize = 100): LocalPathInfo {
  return { path: pathFor(i), narHash: `sha256:${'0'.repeat(52)}`, narSize, references: refs.map(pathFor), deriver: null, signatures: [], ca: null, registrationTime: null, ultimate: null };
}

describe('planPush', () => {
  it('puts references before referrers, ignores self references, and skips what the cache has', () => {
    // 3 → 2 → 1, 3 → 0 (in the cache), 2 refers to itself
    const closure = [info(3, [2, 0]), info(2, [2, 1]), info(1, []), info(0, [])];
    const plan = planPush(closure, new Set([hashFor(0)]));
    expect(plan.toPush.map((p) => p.path)).toEqual([pathFor(1), pathFor(2), pathFor(3)]);
    expect(plan.present.map((p) => p.path)).toEqual([pathFor(0)]);
    expect(plan.narBytes).toBe(300);
  });

  it('refuses a closure with a reference that is neither pushed nor in the cache', () => {
    expect(() => planPush([info(1, [9])], new Set())).toThrow(`${pathFor(1)} refers to ${pathFor(9)}, which is neither in the closure to push nor in the cache`);
  });

  it('refuses a cycle', () => {
    expect(() => planPush([info(1, [2]), info(2, [1])], new Set())).toThrow(/form a cycle/);
  });
});

describe('NarinfoOrder', () => {
  it('whatever order the NARs finish in, never lets a narinfo out before its NAR or its references’ narinfos', () => {
    // Random DAGs (each path refers only to lower-numbered ones) and random NAR completion orders.
    const dag = fc.integer({ min: 1, max: 25 }).chain((n) =>
      fc.tuple(
        fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j)))),
        fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
      ),
    );
    fc.assert(
      fc.property(dag, ([refsOf, finishOrder]) => {
        const closure = refsOf.map((refs, i) => info(i, refs));
        const plan = planPush(closure, new Set());
        const order = new NarinfoOrder(plan);
        const uploaded = new Set<number>();
        const written = new Set<number>();
        const write = (paths: string[]) => {
          for (const path of paths) {
            const i = Number(path.split('-p')[1]);
            expect(uploaded.has(i)).toBe(true);
            for (const ref of refsOf[i]!) expect(written.has(ref)).toBe(true);
            expect(written.has(i)).toBe(false);
            written.add(i);
            write(order.narinfoWritten(path));
          }
        };
        for (const i of finishOrder) {
          uploaded.add(i);
          write(order.narUploaded(pathFor(i)));
        }
        expect(written.size).toBe(refsOf.length);
        expect(order.done).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
