import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayNarPath } from './nar-format';
import { type NarEntry, NarError, type NarReadOptions, type NarSource, readContents, readNar, validateNar } from './nar-reader';
import { type TreeNode, chunked, encodeTree, nar, sortTree, str, u64 } from './nar-test-util';

const MAGIC = 'nix-archive-1';

/** Entries as plain data (contents read for regular files) for comparisons. */
async function events(source: NarSource, opts?: NarReadOptions): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of readNar(source, opts)) out.push(await plain(e));
  return out;
}

async function plain(e: NarEntry): Promise<unknown> {
  const base = { type: e.type, path: displayNarPath(e.path), offset: e.offset };
  switch (e.type) {
    case 'regular':
      return {
        ...base,
        executable: e.executable,
        size: e.size,
        contentsOffset: e.contentsOffset,
        contents: Buffer.from(await readContents(e)).toString('latin1'),
      };
    case 'symlink':
      return { ...base, target: Buffer.from(e.target).toString('latin1') };
    default:
      return base;
  }
}

/** The NarError message reading `bytes` fails with (or 'ok'). */
async function failure(bytes: Uint8Array | NarSource, opts?: NarReadOptions): Promise<string> {
  try {
    await validateNar(bytes instanceof Uint8Array ? [bytes] : bytes, opts);
    return 'ok';
  } catch (e) {
    if (!(e instanceof NarError)) throw e;
    return e.message;
  }
}

const len = (...parts: Array<string | Uint8Array>) => nar(...parts).length;

const sample: TreeNode = sortTree({
  type: 'directory',
  entries: [
    ['bin', { type: 'directory', entries: [['hello', { type: 'regular', executable: true, contents: '#!/bin/sh\necho hi\n' }]] }],
    ['empty', { type: 'regular', contents: '' }],
    ['eight', { type: 'regular', contents: '12345678' }],
    ['link', { type: 'symlink', target: '/nix/store/abc' }],
    ['sub', { type: 'directory', entries: [] }],
  ],
});

describe('readNar: valid archives', () => {
  it('emits entries in archive order with offsets', async () => {
    const bytes = encodeTree(sample);
    const ev = await events([bytes]);
    expect(ev.map((e) => [(e as { type: string }).type, (e as { path: string }).path])).toEqual([
      ['directory', '/'],
      ['directory', '/bin'],
      ['regular', '/bin/hello'],
      ['directory-end', '/bin'],
      ['regular', '/eight'],
      ['regular', '/empty'],
      ['symlink', '/link'],
      ['directory', '/sub'],
      ['directory-end', '/sub'],
      ['directory-end', '/'],
    ]);
    const hello = ev[2] as { contentsOffset: number; contents: string; executable: boolean; size: number; offset: number };
    expect(hello.executable).toBe(true);
    expect(hello.size).toBe(18);
    expect(Buffer.from(bytes.subarray(hello.contentsOffset, hello.contentsOffset + 18)).toString()).toBe(hello.contents);
    expect(Buffer.from(bytes.subarray(hello.offset + 8, hello.offset + 9)).toString()).toBe('(');
    expect(ev[6]).toMatchObject({ target: '/nix/store/abc' });
  });

  it('parses single-file and symlink roots', async () => {
    expect(await events([encodeTree({ type: 'regular', contents: 'x' })])).toEqual([
      { type: 'regular', path: '/', offset: 24, executable: false, size: 1, contentsOffset: 24 + len('(', 'type', 'regular', 'contents') + 8, contents: 'x' },
    ]);
    expect(await events([encodeTree({ type: 'symlink', target: 'a' })])).toEqual([
      { type: 'symlink', path: '/', offset: 24, target: 'a' },
    ]);
  });

  it('gives the same entries whatever the chunking (property)', async () => {
    const bytes = encodeTree(sample);
    const expected = await events([bytes]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        expect(await events(chunked(bytes, sizes))).toEqual(expected);
      }),
    );
    expect(await events(chunked(bytes, [1]))).toEqual(expected);
  });

  it('streams contents as views of the input, in bounded chunks', async () => {
    const big = new Uint8Array(3 << 20).fill(7);
    const bytes = encodeTree({ type: 'regular', contents: big });
    for await (const e of readNar([bytes])) {
      if (e.type !== 'regular') continue;
      const sizes: number[] = [];
      for await (const c of e.contents()) {
        sizes.push(c.length);
        expect(c.buffer).toBe(bytes.buffer);
      }
      expect(sizes).toEqual([1 << 20, 1 << 20, 1 << 20]);
    }
  });

  it('skips unread contents when moving on, and refuses reads afterwards', async () => {
    const it = readNar([encodeTree(sample)]);
    let hello: NarEntry | undefined;
    let after: NarEntry | undefined;
    for await (const e of it) {
      if (e.type === 'regular' && e.path.length === 2) hello = e;
      else if (hello && !after) after = e;
    }
    expect(after?.type).toBe('directory-end');
    if (hello?.type !== 'regular') throw new Error('no file');
    await expect(readContents(hello)).rejects.toThrow('NAR file contents read after moving to the next entry');
  });

  it('continues a partly read file where it stopped', async () => {
    const bytes = encodeTree({ type: 'regular', contents: 'abcdefghij' });
    for await (const e of readNar(chunked(bytes, [3]))) {
      if (e.type !== 'regular') continue;
      const first: string[] = [];
      for await (const c of e.contents()) {
        first.push(Buffer.from(c).toString());
        break;
      }
      const rest = Buffer.from(await readContents(e)).toString();
      expect(first.join('') + rest).toBe('abcdefghij');
    }
  });

  it('accepts trailing data only when asked', async () => {
    const bytes = nar(MAGIC, ...[encodeTree({ type: 'symlink', target: 'x' }).subarray(24)], 'more');
    expect(await failure(bytes)).toBe(`NAR byte ${bytes.length - 16}, in /: unexpected data after the end of the archive`);
    expect(await failure(bytes, { allowTrailingData: true })).toBe('ok');
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    const bytes = encodeTree(sample);
    async function* src() {
      try {
        yield* chunked(bytes, [16]);
      } finally {
        closed = true;
      }
    }
    for await (const e of readNar(src())) if (e.type === 'regular') break;
    expect(closed).toBe(true);
  });

  it('stops with the abort reason', async () => {
    const ac = new AbortController();
    const bytes = encodeTree(sample);
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of readNar(chunked(bytes, [8]), { signal: ac.signal })) {
          seen.push(e.type);
          ac.abort(new Error('stop now'));
        }
      })(),
    ).rejects.toThrow('stop now');
    expect(seen).toEqual(['directory']);
  });

  it('rejects chunks that are not bytes', async () => {
    await expect(validateNar(['nix-archive-1' as unknown as Uint8Array])).rejects.toThrow(TypeError);
  });
});

describe('readNar: rejects what Nix rejects, with offset and path', () => {
  const head = [MAGIC, '(', 'type', 'directory'] as const;
  const entry = (name: string | Uint8Array, node: Uint8Array[]) => [str('entry'), str('('), str('name'), str(name), str('node'), ...node, str(')')];
  const nameAt = len(...head, 'entry', '(', 'name');
  const file = (contents = 'x') => [str('('), str('type'), str('regular'), str('contents'), str(contents), str(')')];

  const cases: Array<[string, Uint8Array, string]> = [
    ['empty input', new Uint8Array(0), 'NAR byte 0, in /: unexpected end of input (the NAR is truncated)'],
    ['bad magic', nar('nix-archive-2', ...file()), 'NAR byte 0, in /: not a NAR (bad magic; expected "nix-archive-1")'],
    ['magic of the wrong length', nar(u64(1n << 62n)), 'NAR byte 0, in /: not a NAR (bad magic; expected "nix-archive-1")'],
    ['a tar file', Buffer.from('ustar\0' + '\0'.repeat(600)), 'NAR byte 0, in /: not a NAR (bad magic; expected "nix-archive-1")'],
    ['missing open paren', nar(MAGIC, 'type'), 'NAR byte 24, in /: expected "(", got "type"'],
    ['unknown node type', nar(MAGIC, '(', 'type', 'fifo', ')'), 'NAR byte 56, in /: unknown node type "fifo"'],
    ['huge node type', nar(MAGIC, '(', 'type', u64(1000)), 'NAR byte 56, in /: unknown node type (a 1000-byte string)'],
    ['unexpected tag in a file', nar(MAGIC, '(', 'type', 'regular', 'content', 'x', ')'), 'NAR byte 72, in /: expected "executable" or "contents", got "content"'],
    ['long unexpected tag', nar(MAGIC, '(', 'type', 'regular', 'x'.repeat(100)), 'NAR byte 72, in /: expected "executable" or "contents", got a 100-byte string'],
    [
      'non-empty executable marker',
      nar(MAGIC, '(', 'type', 'regular', 'executable', 'yes', 'contents', 'x', ')'),
      'NAR byte 96, in /: executable marker has a non-empty value',
    ],
    [
      'contents after executable missing',
      nar(MAGIC, '(', 'type', 'regular', 'executable', '', 'executable', ''),
      'NAR byte 104, in /: expected "contents", got "executable"',
    ],
    [
      'non-zero padding in a token',
      nar(MAGIC, u64(1), Uint8Array.from([0x28, 0, 0, 0, 0, 0, 9, 0])),
      'NAR byte 38, in /: non-zero padding byte',
    ],
    [
      'non-zero padding after contents',
      nar(MAGIC, '(', 'type', 'regular', 'contents', u64(3), Uint8Array.from([1, 2, 3, 0, 0, 0, 0, 1]), ')'),
      `NAR byte ${len(MAGIC, '(', 'type', 'regular', 'contents') + 8 + 7}, in /: non-zero padding byte`,
    ],
    ['missing close after contents', nar(MAGIC, '(', 'type', 'regular', 'contents', 'x', 'entry'), `NAR byte ${len(MAGIC, '(', 'type', 'regular', 'contents', 'x')}, in /: expected ")", got "entry"`],
    ['symlink without target tag', nar(MAGIC, '(', 'type', 'symlink', 'x'), 'NAR byte 72, in /: expected "target", got "x"'],
    ['symlink not closed', nar(MAGIC, '(', 'type', 'symlink', 'target', 'x', '('), 'NAR byte 104, in /: expected ")", got "("'],
    ['unexpected tag in a directory', nar(...head, 'entri'), `NAR byte ${len(...head)}, in /: expected "entry" or ")", got "entri"`],
    ['entry without name', nar(...head, 'entry', '(', 'node'), `NAR byte ${len(...head, 'entry', '(')}, in /: expected "name", got "node"`],
    ['entry without node', nar(...head, 'entry', '(', 'name', 'a', 'file'), `NAR byte ${len(...head, 'entry', '(', 'name', 'a')}, in /: expected "node", got "file"`],
    ['entry not closed', nar(...head, 'entry', '(', 'name', 'a', 'node', ...file(), 'entry'), `NAR byte ${len(...head, 'entry', '(', 'name', 'a', 'node', ...file())}, in /: expected ")", got "entry"`],
    ['empty name', nar(...head, ...entry('', file())), `NAR byte ${nameAt}, in /: empty entry name`],
    ['name "."', nar(...head, ...entry('.', file())), `NAR byte ${nameAt}, in /: invalid entry name "."`],
    ['name ".."', nar(...head, ...entry('..', file())), `NAR byte ${nameAt}, in /: invalid entry name ".."`],
    ['name with a slash', nar(...head, ...entry('a/b', file())), `NAR byte ${nameAt}, in /: invalid entry name "a/b" (contains "/")`],
    ['name with NUL', nar(...head, ...entry('a\0b', file())), `NAR byte ${nameAt}, in /: invalid entry name "a\\x00b" (contains a NUL byte)`],
    ['name too long', nar(...head, 'entry', '(', 'name', u64(256)), `NAR byte ${nameAt}, in /: entry name of 256 bytes is longer than the limit of 255`],
    ['name of 2^40 bytes', nar(...head, 'entry', '(', 'name', u64(2 ** 40)), `NAR byte ${nameAt}, in /: entry name of 1099511627776 bytes is longer than the limit of 255`],
    [
      'unsorted entries',
      nar(...head, ...entry('c', file()), ...entry('b', file())),
      `NAR byte ${len(...head) + len(...entry('c', file())) + len('entry', '(', 'name')}, in /: entry names not sorted ("b" after "c")`,
    ],
    [
      'uppercase after lowercase',
      nar(...head, ...entry('a', file()), ...entry('B', file())),
      `NAR byte ${len(...head) + len(...entry('a', file())) + len('entry', '(', 'name')}, in /: entry names not sorted ("B" after "a")`,
    ],
    [
      'duplicate entries',
      nar(...head, ...entry('a', file()), ...entry('a', [str('('), str('type'), str('directory'), str(')')])),
      `NAR byte ${len(...head) + len(...entry('a', file())) + len('entry', '(', 'name')}, in /: duplicate entry "a"`,
    ],
    [
      'unsorted entries deeper down',
      nar(...head, ...entry('lib', [str('('), str('type'), str('directory'), ...entry('foo', [str('('), str('type'), str('directory'), ...entry('c', file()), ...entry('b', file()), str(')')]), str(')')]), ')'),
      `NAR byte ${len(...head) + 2 * len('entry', '(', 'name', 'lib', 'node', '(', 'type', 'directory') + len(...entry('c', file())) + len('entry', '(', 'name')}, in /lib/foo: entry names not sorted ("b" after "c")`,
    ],
    [
      'symlink target too long',
      nar(MAGIC, '(', 'type', 'symlink', 'target', u64(4097)),
      `NAR byte ${len(MAGIC, '(', 'type', 'symlink', 'target')}, in /: symlink target of 4097 bytes is longer than the limit of 4096`,
    ],
    [
      'file size beyond 2^53',
      nar(MAGIC, '(', 'type', 'regular', 'contents', u64(1n << 63n)),
      `NAR byte ${len(MAGIC, '(', 'type', 'regular', 'contents')}, in /: length 9223372036854775808 is too large`,
    ],
    ['truncated in the magic', nar(MAGIC).subarray(0, 20), 'NAR byte 20, in /: unexpected end of input (the NAR is truncated)'],
    ['truncated in a length', nar(MAGIC, '(').subarray(0, 27), 'NAR byte 27, in /: unexpected end of input (the NAR is truncated)'],
    [
      'truncated in the contents of a nested file',
      nar(...head, 'entry', '(', 'name', 'f', 'node', '(', 'type', 'regular', 'contents', u64(1000), 'abc'),
      `NAR byte ${len(...head, 'entry', '(', 'name', 'f', 'node', '(', 'type', 'regular', 'contents') + 8 + 16}, in /f: unexpected end of input (the NAR is truncated)`,
    ],
    ['directory never closed', nar(...head, ...entry('a', file())), `NAR byte ${len(...head, ...entry('a', file()))}, in /: unexpected end of input (the NAR is truncated)`],
  ];

  it.each(cases)('%s', async (_what, bytes, message) => {
    expect(await failure(bytes)).toBe(message);
    // The same error whatever the chunking.
    expect(await failure(chunked(bytes, [1]))).toBe(message);
    expect(await failure(chunked(bytes, [5, 3, 11]))).toBe(message);
  });

  it('shows odd bytes in names readably', async () => {
    const msg = await failure(nar(...head, ...entry(Uint8Array.from([0x62, 0xff]), file()), ...entry('a', file())));
    expect(msg).toMatch(/entry names not sorted \("a" after "b\\xff"\)$/);
    const msg2 = await failure(nar(...head, ...entry('é', file()), ...entry('\u00e8', file())));
    expect(msg2).toMatch(/entry names not sorted \("è" after "é"\)$/);
  });

  function nested(depth: number): Uint8Array {
    const parts: Uint8Array[] = [str(MAGIC)];
    for (let i = 0; i < depth; i++) parts.push(str('('), str('type'), str('directory'), str('entry'), str('('), str('name'), str('d'), str('node'));
    parts.push(...file());
    for (let i = 0; i < depth; i++) parts.push(str(')'), str(')'));
    return Buffer.concat(parts);
  }

  it('allows 64 levels of nesting and rejects 65', async () => {
    expect(await failure(nested(64))).toBe('ok');
    const at = 24 + 64 * len('(', 'type', 'directory', 'entry', '(', 'name', 'd', 'node') + len('(', 'type', 'directory', 'entry', '(', 'name');
    expect(await failure(nested(65))).toBe(`NAR byte ${at}, in ${'/d'.repeat(64)}: directories nested deeper than 64 levels`);
    expect(await failure(nested(3), { maxDepth: 2 })).toMatch(/in \/d\/d: directories nested deeper than 2 levels$/);
  });

  it('accepts names of exactly 255 bytes and targets of exactly 4096', async () => {
    const name = 'n'.repeat(255);
    expect(await failure(nar(...head, ...entry(name, file()), ')'))).toBe('ok');
    expect(await failure(nar(MAGIC, '(', 'type', 'symlink', 'target', 't'.repeat(4096), ')'))).toBe('ok');
  });

  it('streams a declared 4 GiB file without holding it', async () => {
    const size = 4 * 2 ** 30;
    const zeros = new Uint8Array(1 << 20);
    function* src() {
      yield nar(MAGIC, '(', 'type', 'regular', 'contents', u64(size));
      for (let i = 0; i < size / zeros.length; i++) yield zeros;
      yield str(')');
    }
    const before = process.memoryUsage().rss;
    let seen = 0;
    for await (const e of readNar(src())) {
      if (e.type === 'regular') {
        expect(e.size).toBe(size);
        for await (const c of e.contents()) seen += c.length;
      }
    }
    expect(seen).toBe(size);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 << 20);
  });
});

describe('readNar: fuzzing', () => {
  async function onlyNarErrors(bytes: Uint8Array, sizes: number[]): Promise<void> {
    try {
      for await (const e of readNar(chunked(bytes, sizes))) {
        if (e.type === 'regular') for await (const _ of e.contents());
      }
    } catch (e) {
      if (!(e instanceof NarError)) throw e;
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
    }
  }

  it('random bytes only ever fail with NarError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }), onlyNarErrors),
      { numRuns: 1000 },
    );
  });

  it('random tokens after a valid magic only ever fail with NarError', async () => {
    const token = fc.oneof(
      fc.constantFrom('(', ')', 'type', 'regular', 'directory', 'symlink', 'executable', '', 'contents', 'target', 'entry', 'name', 'node', 'a', 'b', '.', '..').map((s) => str(s)),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(u64),
      fc.uint8Array({ maxLength: 24 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 40 }), async (tokens) => {
        await onlyNarErrors(Buffer.concat([str(MAGIC), ...tokens]), [7, 13]);
      }),
      { numRuns: 1000 },
    );
  });

  const nameArb = fc.uint8Array({ minLength: 1, maxLength: 6 }).filter((n) => !n.includes(0x2f) && !n.includes(0) && !(n.length <= 2 && n.every((b) => b === 0x2e)));
  const treeArb = fc.letrec<{ node: TreeNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ type: fc.constant('regular' as const), contents: fc.uint8Array({ maxLength: 20 }), executable: fc.boolean() }),
      fc.record({ type: fc.constant('symlink' as const), target: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
      fc
        .uniqueArray(fc.tuple(nameArb, tie('node')), { maxLength: 4, selector: ([n]) => Buffer.from(n).toString('hex') })
        .map((entries) => ({ type: 'directory' as const, entries })),
    ),
  })).node;

  it('valid trees parse back to what was encoded (property)', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const sorted = sortTree(tree);
        const bytes = encodeTree(sorted);
        expect(await failure(bytes)).toBe('ok');
        // Rebuild the tree from the entries and compare.
        const stack: Array<TreeNode & { type: 'directory' }> = [];
        let root: TreeNode | undefined;
        for await (const e of readNar(chunked(bytes, [9]))) {
          if (e.type === 'directory-end') {
            stack.pop();
            continue;
          }
          const node: TreeNode =
            e.type === 'regular'
              ? { type: 'regular', contents: Buffer.from(await readContents(e)), executable: e.executable }
              : e.type === 'symlink'
                ? { type: 'symlink', target: Buffer.from(e.target) }
                : { type: 'directory', entries: [] };
          if (stack.length) stack[stack.length - 1]!.entries.push([Buffer.from(e.name!), node]);
          else root = node;
          if (node.type === 'directory') stack.push(node);
        }
        expect(encodeTree(root!)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid NARs only ever fail with NarError (property)', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
      fc.record({ kind: fc.constant('length' as const), at: fc.nat(), value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }),
    );
    await fc.assert(
      fc.asyncProperty(treeArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), async (tree, muts) => {
        let bytes = Buffer.from(encodeTree(sortTree(tree)));
        for (const m of muts) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.value;
          else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
          else if (m.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), m.value, bytes.subarray(at)]);
          else if (m.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.n)]);
          else if (m.kind === 'length') {
            // Overwrite an aligned u64 (a length field, most of the time) with an arbitrary value.
            const p = Math.floor(at / 8) * 8;
            if (p + 8 <= bytes.length) bytes.set(u64(m.value), p);
          }
        }
        await onlyNarErrors(bytes, [5, 64]);
      }),
      { numRuns: 1000 },
    );
  });
});
