/**
 * Test helpers: a NAR encoder written independently of nar-writer.ts (straight from the grammar, in
 * memory), so tests can cross-check the writer and hand-build hostile archives token by token.
 */

/** One NAR string token (length, bytes, zero padding). */
export function str(s: string | Uint8Array): Uint8Array {
  const bytes = typeof s === 'string' ? Buffer.from(s) : s;
  const pad = (8 - (bytes.length % 8)) % 8;
  const out = new Uint8Array(8 + bytes.length + pad);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(bytes.length), true);
  out.set(bytes, 8);
  return out;
}

/** A raw little-endian u64 (for lengths that do not match what follows). */
export function u64(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** Concatenates tokens; strings become `str(...)` tokens, byte arrays are copied raw. */
export function nar(...parts: Array<string | Uint8Array>): Uint8Array {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? str(p) : p)));
}

export type TreeNode =
  | { type: 'regular'; contents: Uint8Array | string; executable?: boolean }
  | { type: 'symlink'; target: string | Uint8Array }
  | { type: 'directory'; entries: Array<[string | Uint8Array, TreeNode]> };

const toBytes = (s: string | Uint8Array) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s));

/** The tokens of a node; directory entries are written in the order given (sort them yourself). */
export function nodeTokens(node: TreeNode): Uint8Array[] {
  switch (node.type) {
    case 'regular':
      return [
        str('('), str('type'), str('regular'),
        ...(node.executable ? [str('executable'), str('')] : []),
        str('contents'), str(toBytes(node.contents)), str(')'),
      ];
    case 'symlink':
      return [str('('), str('type'), str('symlink'), str('target'), str(toBytes(node.target)), str(')')];
    case 'directory':
      return [
        str('('), str('type'), str('directory'),
        ...node.entries.flatMap(([name, child]) => [
          str('entry'), str('('), str('name'), str(toBytes(name)), str('node'), ...nodeTokens(child), str(')'),
        ]),
        str(')'),
      ];
  }
}

/** A whole NAR for `node`. */
export function encodeTree(node: TreeNode): Uint8Array {
  return Buffer.concat([str('nix-archive-1'), ...nodeTokens(node)]);
}

/** Sorts directory entries byte-wise, recursively (what a valid NAR needs). */
export function sortTree(node: TreeNode): TreeNode {
  if (node.type !== 'directory') return node;
  const entries = node.entries
    .map(([n, c]) => [n, sortTree(c)] as [string | Uint8Array, TreeNode])
    .sort(([a], [b]) => Buffer.compare(toBytes(a), toBytes(b)));
  return { type: 'directory', entries };
}

/** Yields `bytes` in chunks of the given sizes (cycling), to exercise chunk boundaries. */
export function* chunked(bytes: Uint8Array, sizes: number[] = [1]): Generator<Uint8Array> {
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

/** Collects an async iterable of byte chunks into one Buffer. */
export async function collect(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
