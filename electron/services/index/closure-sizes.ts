/**
 * The largest closures of a cache: the paths whose closure (the path and everything it refers to,
 * transitively, within the cache) has the most NAR bytes.
 *
 * Computing every path's closure is quadratic (100 000 paths in a chain: 5·10⁹ steps). It is not
 * needed: a path's closure contains the closure of each path it refers to, so no path's closure is
 * larger than its referrers'. A best-first search therefore finds the top k exactly: start from the
 * paths nothing refers to, repeatedly take the largest closure found so far, and only then measure the
 * closures of the paths it refers to. Each measured closure is one walk over typed arrays, with a
 * stamp per walk instead of a fresh visited set; the walks are as many as there are paths nothing
 * refers to, plus k times the references of the paths taken.
 */

export interface ClosureGraph {
  /** Own NAR and download sizes of node i. */
  narSize: Float64Array;
  fileSize: Float64Array;
  /** References of node i: targets[offsets[i] ..< offsets[i + 1]] (self-references left out). */
  offsets: Int32Array;
  targets: Int32Array;
}

export interface ClosureSize {
  node: number;
  paths: number;
  narBytes: number;
  fileBytes: number;
}

/** Builds the graph from per-node reference lists (node numbers; unknown ones already dropped). */
export function closureGraph(nodes: ReadonlyArray<{ narSize: number; fileSize: number; refs: readonly number[] }>): ClosureGraph {
  const n = nodes.length;
  const narSize = new Float64Array(n);
  const fileSize = new Float64Array(n);
  const offsets = new Int32Array(n + 1);
  let edges = 0;
  for (let i = 0; i < n; i++) edges += nodes[i]!.refs.length;
  const targets = new Int32Array(edges);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    narSize[i] = node.narSize;
    fileSize[i] = node.fileSize;
    offsets[i] = at;
    for (const ref of node.refs) if (ref !== i) targets[at++] = ref;
  }
  offsets[n] = at;
  return { narSize, fileSize, offsets, targets: targets.subarray(0, at) };
}

/**
 * A binary max-heap of (size, node), by size, then by lower node number (so ties come out stably), in
 * typed arrays: every path may be in it at once, and a million small objects cost far more.
 */
class MaxHeap {
  private readonly sizes: Float64Array;
  private readonly nodes: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.sizes = new Float64Array(capacity);
    this.nodes = new Int32Array(capacity);
  }
  private above(i: number, j: number) {
    const a = this.sizes[i]!;
    const b = this.sizes[j]!;
    return a > b || (a === b && this.nodes[i]! < this.nodes[j]!);
  }
  private swap(i: number, j: number) {
    const size = this.sizes[i]!;
    this.sizes[i] = this.sizes[j]!;
    this.sizes[j] = size;
    const node = this.nodes[i]!;
    this.nodes[i] = this.nodes[j]!;
    this.nodes[j] = node;
  }
  push(size: number, node: number) {
    let i = this.length++;
    this.sizes[i] = size;
    this.nodes[i] = node;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  /** The top node, taken out; the heap must not be empty. */
  pop(): number {
    const top = this.nodes[0]!;
    const last = --this.length;
    if (last > 0) {
      this.sizes[0] = this.sizes[last]!;
      this.nodes[0] = this.nodes[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < last && this.above(l, best)) best = l;
        if (r < last && this.above(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/** The `k` nodes with the largest closure NAR size, largest first, with their closure's path count and download size. */
export function largestClosures(graph: ClosureGraph, k: number): ClosureSize[] {
  const steps = largestClosureSteps(graph, k);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `largestClosures` in steps of about `work` visits (nodes and references walked) each: a caller that
 * lets other work run between steps (stats.ts) does not hold its thread for the whole search, which
 * at a million paths walks hundreds of millions of references.
 */
export function* largestClosureSteps(graph: ClosureGraph, k: number, work = 1 << 18): Generator<void, ClosureSize[]> {
  const n = graph.narSize.length;
  const { offsets, targets } = graph;
  const mark = new Int32Array(n);
  const stack = new Int32Array(n);
  let stamp = 0;
  let visits = 0;
  const measure = (start: number): ClosureSize => {
    stamp += 1;
    let top = 0;
    stack[top++] = start;
    mark[start] = stamp;
    let paths = 0;
    let narBytes = 0;
    let fileBytes = 0;
    while (top > 0) {
      const v = stack[--top]!;
      paths += 1;
      narBytes += graph.narSize[v]!;
      fileBytes += graph.fileSize[v]!;
      visits += 1 + offsets[v + 1]! - offsets[v]!;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
        const t = targets[e]!;
        if (mark[t] !== stamp) {
          mark[t] = stamp;
          stack[top++] = t;
        }
      }
    }
    return { node: start, paths, narBytes, fileBytes };
  };

  // Paths nothing refers to. In a cache Nix wrote every path is below one of them; a hostile cache
  // can have cycles with no way in, so whatever the roots do not reach is started from as well.
  const referred = new Uint8Array(n);
  for (let e = 0; e < targets.length; e++) referred[targets[e]!] = 1;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) if (!referred[i]) starts.push(i);
  yield;
  const reached = new Uint8Array(n);
  {
    let top = 0;
    for (const s of starts) {
      reached[s] = 1;
      stack[top++] = s;
    }
    while (top > 0) {
      const v = stack[--top]!;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) {
        const t = targets[e]!;
        if (!reached[t]) {
          reached[t] = 1;
          stack[top++] = t;
        }
      }
    }
    for (let i = 0; i < n; i++) if (!reached[i]) starts.push(i);
  }
  yield;

  // The measured closures, by node (a million objects in a Map would cost ~100 MB).
  const knownPaths = new Float64Array(n);
  const knownNar = new Float64Array(n);
  const knownFile = new Float64Array(n);
  const queued = new Uint8Array(n);
  const heap = new MaxHeap(n);
  const enqueue = (node: number) => {
    if (queued[node]) return;
    queued[node] = 1;
    const size = measure(node);
    knownPaths[node] = size.paths;
    knownNar[node] = size.narBytes;
    knownFile[node] = size.fileBytes;
    heap.push(size.narBytes, node);
  };
  for (const s of starts) {
    enqueue(s);
    if (visits >= work) {
      visits = 0;
      yield;
    }
  }
  const result: ClosureSize[] = [];
  while (result.length < k && heap.length > 0) {
    const node = heap.pop();
    result.push({ node, paths: knownPaths[node]!, narBytes: knownNar[node]!, fileBytes: knownFile[node]! });
    for (let e = offsets[node]!, end = offsets[node + 1]!; e < end; e++) {
      enqueue(targets[e]!);
      if (visits >= work) {
        visits = 0;
        yield;
      }
    }
  }
  return result;
}
