import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closureGraph, largestClosureSteps, largestClosures } from './closure-sizes';

/** Every node's closure by a plain walk with a fresh set: the oracle. */
function bruteForce(nodes: Array<{ narSize: number; fileSize: number; refs: number[] }>) {
  return nodes.map((_, start) => {
    const seen = new Set([start]);
    const todo = [start];
    while (todo.length) {
      for (const r of nodes[todo.pop()!]!.refs) {
        if (!seen.has(r)) {
          seen.add(r);
          todo.push(r);
        }
      }
    }
    let narBytes = 0;
    let fileBytes = 0;
    for (const v of seen) {
      narBytes += nodes[v]!.narSize;
      fileBytes += nodes[v]!.fileSize;
    }
    return { node: start, paths: seen.size, narBytes, fileBytes };
  });
}

const graphs = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.array(
    fc.record({
      narSize: fc.integer({ min: 1, max: 1000 }),
      fileSize: fc.integer({ min: 0, max: 1000 }),
      // Any node, not only earlier ones: cycles (a hostile cache) and self-references too.
      refs: fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }),
    }),
    { minLength: n, maxLength: n },
  ),
);

describe('largestClosures', () => {
  it('gives the k largest closures, exactly as walking every closure does, on any graph', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 1, max: 45 }), (nodes, k) => {
        const expected = bruteForce(nodes)
          .sort((a, b) => b.narBytes - a.narBytes || a.node - b.node)
          .slice(0, k);
        const got = largestClosures(closureGraph(nodes), k);
        // Sizes agree in order; among equal sizes any node of that size will do, so compare sizes and each node's own figures.
        expect(got.map((c) => c.narBytes)).toEqual(expected.map((c) => c.narBytes));
        const all = bruteForce(nodes);
        for (const c of got) expect(c).toEqual(all[c.node]);
        expect(new Set(got.map((c) => c.node)).size).toBe(got.length);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answer in steps, however small, as in one go', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 1, max: 45 }), fc.integer({ min: 1, max: 50 }), (nodes, k, work) => {
        const graph = closureGraph(nodes);
        const steps = largestClosureSteps(graph, k, work);
        let yields = 0;
        let step = steps.next();
        for (; !step.done; step = steps.next()) yields += 1;
        expect(step.value).toEqual(largestClosures(graph, k));
        expect(yields).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the top of a 100 000-path chain (walking every closure would be 5·10⁹ steps, past the test timeout)', () => {
    const n = 100_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ narSize: 1, fileSize: 1, refs: i > 0 ? [i - 1] : [] }));
    const top = largestClosures(closureGraph(nodes), 20);
    expect(top.map((c) => c.node)).toEqual(Array.from({ length: 20 }, (_, i) => n - 1 - i));
    expect(top[0]).toEqual({ node: n - 1, paths: n, narBytes: n, fileBytes: n });
  });
});
