import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from './errors';
import { hashEquals, hashToHex, hashToSri, parseHash } from './hash';
import { narinfoKey, parseNarinfo, serialiseNarinfo, type Narinfo } from './narinfo';
import { storeDirOf } from './store-path';
import * as arb from './testdata/arbitraries';
import { catchFormatError } from './testdata/catch';
import { leafXz, srcCa, topBzip2, topNone, topXz, topZstd } from './testdata/fixtures';
import { sortedUnique } from './text';

const nixWritten = { topXz, topZstd, topNone, topBzip2, leafXz, srcCa };
const TOP = '/nix/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top';
const NARHASH = 'sha256:0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21gx';

const lines = (text: string) => text.split('\n').slice(0, -1);
const withLines = (ls: string[]) => ls.map((l) => `${l}\n`).join('');
const replaceLine = (text: string, key: string, line: string | null) =>
  withLines(lines(text).flatMap((l) => (l.startsWith(`${key}: `) ? (line === null ? [] : [line]) : [l])));

/** Nix's canonical form of a narinfo object, for comparing with what parsing the serialisation gives. */
function canonical(info: Narinfo): Record<string, unknown> {
  return {
    storePath: info.storePath,
    url: info.url,
    compression: info.compression,
    fileHash: info.fileHash && hashToHex(info.fileHash),
    fileSize: info.fileSize,
    narHash: hashToHex(info.narHash),
    narSize: info.narSize,
    references: sortedUnique(info.references),
    deriver: info.deriver,
    sigs: sortedUnique(info.sigs),
    ca: info.ca,
    unknown: info.unknown.map(({ key, value }) => ({ key, value })),
  };
}

describe('parseNarinfo', () => {
  it('reads a narinfo written by Nix', () => {
    const info = parseNarinfo(topXz);
    expect(info).toMatchObject({
      storePath: TOP,
      url: 'nar/053x5gc71l2sphjhpp5p117f8gh7l44y19j7pl7gdfhzg9awjmz3.nar.xz',
      compression: 'xz',
      fileHashText: 'sha256:053x5gc71l2sphjhpp5p117f8gh7l44y19j7pl7gdfhzg9awjmz3',
      fileSize: 276,
      narHashText: NARHASH,
      narSize: 640,
      references: [
        '71nkqrw4r948fg17d1isyhdgx6djha39-narwhal-leaf',
        'khn540rbqyq3yi1mpn9lkq6l4f0ayb90-narwhal-mid',
      ],
      deriver: 'nrs7nm8yl5r6qlvcx9pmajpvr9w73m5q-narwhal-top.drv',
      sigs: [
        'b.example.org-2:a9hqT1gs5Cg5LFg7CLBaSSCVjCV6r77QYkDHQZRaDMZkb3fwffWA9XHFx1ysB6Y/uoITo2TQwXTKlIr7fXQ6CA==',
        'test.example.org-1:SSoS5VxmXedJ3WIoGviyk6CL9QxBD2/2Vm3YRah9z31xXj1Icyqt30AM0NzgmAj7QQO5iN95J5B8QVg3d7p2Cg==',
      ],
      unknown: [],
    });
    expect(info.compressionOmitted).toBeUndefined();
    expect(info.ca).toBeUndefined();
    // `nix path-info --json` printed this NarHash as SRI.
    expect(hashToSri(info.narHash)).toBe('sha256-/QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3+3rcmw=');
    expect(info.fileHash!.algo).toBe('sha256');
  });

  it('reads CA, empty References and no Deriver', () => {
    const info = parseNarinfo(srcCa);
    expect(info.references).toEqual([]);
    expect(info.deriver).toBeUndefined();
    expect(info.ca).toBe('fixed:r:sha256:1bscs49jd31qhacp4g6570rrpkka96j4r5cvhxhqhsdr71p8ynnm');
  });

  it.each(Object.entries(nixWritten))('re-serialises %s byte for byte', (_, text) => {
    expect(serialiseNarinfo(parseNarinfo(text))).toBe(text);
    expect(serialiseNarinfo(parseNarinfo(text), { unknownFields: 'drop' })).toBe(text);
  });

  it('takes a missing Compression as bzip2 and keeps it missing', () => {
    const text = replaceLine(topXz, 'Compression', null);
    const info = parseNarinfo(text);
    expect(info.compression).toBe('bzip2');
    expect(info.compressionOmitted).toBe(true);
    expect(serialiseNarinfo(info)).toBe(text);
    // Made in code, or changed: the line is written.
    expect(serialiseNarinfo({ ...info, compressionOmitted: false })).toBe(replaceLine(topXz, 'Compression', 'Compression: bzip2'));
    expect(serialiseNarinfo({ ...info, compression: 'xz' })).toBe(topXz);
  });

  it('takes an empty Compression as bzip2 too, like Nix', () => {
    const info = parseNarinfo(replaceLine(topXz, 'Compression', 'Compression: '));
    expect(info.compression).toBe('bzip2');
    expect(info.compressionOmitted).toBeUndefined();
  });

  it('accepts fields in any order', () => {
    const shuffled = withLines(lines(topXz).reverse());
    expect(serialiseNarinfo(parseNarinfo(shuffled))).toBe(topXz);
  });

  it('accepts every hash encoding and writes nix32', () => {
    const sri = replaceLine(topXz, 'NarHash', 'NarHash: sha256-/QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3+3rcmw=');
    const hex = hashToHex(parseHash(NARHASH));
    const b16 = replaceLine(topXz, 'NarHash', `NarHash: sha256:${hex}`);
    const b64 = replaceLine(topXz, 'NarHash', 'NarHash: sha256:/QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3+3rcmw=');
    for (const text of [sri, b16, b64]) {
      const info = parseNarinfo(text);
      expect(hashEquals(info.narHash, parseHash(NARHASH))).toBe(true);
      expect(serialiseNarinfo(info)).toBe(topXz);
    }
    expect(parseNarinfo(sri).narHashText).toBe('sha256-/QXxHRNnZlTkiEaloGWflGaJ6sGcZJsuRL3q3+3rcmw=');
  });

  it('keeps unknown fields in order and writes them last (or drops them)', () => {
    const text = `System: x86_64-linux\n${topXz}Provenance: {"type":"copied"}\nweird key: a: b\n`;
    const info = parseNarinfo(text);
    expect(info.unknown).toEqual([
      { key: 'System', value: 'x86_64-linux', line: 1 },
      { key: 'Provenance', value: '{"type":"copied"}', line: 13 },
      { key: 'weird key', value: 'a: b', line: 14 },
    ]);
    expect(serialiseNarinfo(info)).toBe(`${topXz}System: x86_64-linux\nProvenance: {"type":"copied"}\nweird key: a: b\n`);
    expect(serialiseNarinfo(info, { unknownFields: 'drop' })).toBe(topXz);
  });

  it('sorts and de-duplicates references and signatures on write, like Nix’s sets', () => {
    const [a, b] = parseNarinfo(topXz).references;
    const sigs = parseNarinfo(topXz).sigs;
    const text = withLines(
      lines(topXz)
        .filter((l) => !l.startsWith('Sig: '))
        .map((l) => (l.startsWith('References: ') ? `References: ${b}  ${a} ${b}` : l))
        .concat([`Sig: ${sigs[1]}`, `Sig: ${sigs[0]}`, `Sig: ${sigs[1]}`]),
    );
    const info = parseNarinfo(text);
    expect(info.references).toEqual([b, a, b]);
    expect(info.sigs).toEqual([sigs[1], sigs[0], sigs[1]]);
    expect(serialiseNarinfo(info)).toBe(topXz);
  });

  it('treats Deriver: unknown-deriver as none', () => {
    const info = parseNarinfo(replaceLine(topXz, 'Deriver', 'Deriver: unknown-deriver'));
    expect(info.deriver).toBeUndefined();
    expect(serialiseNarinfo(info)).toBe(replaceLine(topXz, 'Deriver', null));
  });

  it('allows a References line after an empty one, and empty CA lines (as Nix does)', () => {
    const refs = lines(topXz).find((l) => l.startsWith('References: '))!;
    const text = `References: \n${topXz}CA: \n`;
    expect(parseNarinfo(text).references).toHaveLength(2);
    expect(parseNarinfo(text).ca).toBeUndefined();
    // As in Nix, what is an error is any References/CA line after one that gave a value.
    expect(() => parseNarinfo(`${srcCa}CA: \n`)).toThrow('narinfo line 11 (CA): second CA line (CA already given on line 10)');
    expect(() => parseNarinfo(`${topXz}References: \n`)).toThrow('narinfo line 12 (References): second References line (references already listed on line 8)');
    expect(refs).toContain('narwhal-leaf');
  });

  it('lets later duplicates of single fields win, as Nix does', () => {
    const info = parseNarinfo(`${topXz}URL: nar/other.nar\nNarSize: 7\n`);
    expect(info.url).toBe('nar/other.nar');
    expect(info.narSize).toBe(7);
  });

  it('keeps values untrimmed (exactly one space after the colon)', () => {
    const info = parseNarinfo(replaceLine(topXz, 'URL', 'URL:  nar/x.nar '));
    expect(info.url).toBe(' nar/x.nar ');
    expect(serialiseNarinfo(info)).toContain('URL:  nar/x.nar \n');
  });

  it('reads a store directory other than /nix/store when told', () => {
    const text = topXz.replace('/nix/store/', '/tmp/store/');
    expect(() => parseNarinfo(text)).toThrow('narinfo line 1 (StorePath): path "/tmp/store/as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top" is not in the store directory "/nix/store"');
    const info = parseNarinfo(text, { storeDir: '/tmp/store' });
    expect(storeDirOf(info.storePath)).toBe('/tmp/store');
    expect(serialiseNarinfo(info)).toBe(text);
  });

  it('names the source in errors', () => {
    const e = catchFormatError(() =>
      parseNarinfo(replaceLine(topXz, 'NarHash', 'NarHash: sha256:0v3jxgnxzsmx8hp9nr4wq7m8jrllkxjs19a6i3j58rk72cfz21ge'), {
        source: 'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q.narinfo',
      }),
    );
    expect(e.message).toBe(
      'as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q.narinfo line 6 (NarHash): invalid character "e" at position 51 in nix32 string',
    );
    expect(e.line).toBe(6);
    expect(e.field).toBe('NarHash');
    const lineStart = topXz.indexOf('NarHash: ');
    expect(e.offset).toBe(lineStart + 'NarHash: sha256:'.length + 51);
  });

  it('gives the narinfo key of a store path', () => {
    expect(narinfoKey(TOP)).toBe('as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q.narinfo');
    expect(narinfoKey('as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q-narwhal-top')).toBe('as51gcmm1ggvlrrlf1gwsmc4ifrr1v5q.narinfo');
    expect(() => narinfoKey('/nix/store/x')).toThrow(FormatError);
  });
});

describe('serialiseNarinfo', () => {
  const base = parseNarinfo(topXz);

  it('writes References: even when empty, and only the optional fields that are set', () => {
    const info: Narinfo = {
      storePath: TOP,
      url: 'nar/x.nar',
      compression: 'none',
      narHash: parseHash(NARHASH),
      narSize: 640,
      references: [],
      sigs: [],
      unknown: [],
    };
    expect(serialiseNarinfo(info)).toBe(
      `StorePath: ${TOP}\nURL: nar/x.nar\nCompression: none\nNarHash: ${NARHASH}\nNarSize: 640\nReferences: \n`,
    );
  });

  it('refuses what could not be read back', () => {
    const cases: Array<[Partial<Narinfo>, string]> = [
      [{ storePath: '/nix/store/x' }, 'narinfo (StorePath): "x" is too short to be a store path basename'],
      [{ url: '' }, 'narinfo (URL): URL is empty'],
      [{ url: 'a\nb' }, 'narinfo (URL): value contains a newline'],
      [{ compression: '' }, 'narinfo (Compression): Compression is empty'],
      [{ narSize: 0 }, 'narinfo (NarSize): 0 is not an integer >= 1'],
      [{ narSize: 1.5 }, 'narinfo (NarSize): 1.5 is not an integer >= 1'],
      [{ fileSize: -1 }, 'narinfo (FileSize): -1 is not an integer >= 0'],
      [{ narHash: parseHash('sha1:kpcd173cq987hw957sx6m0868wv3x6d9') }, 'narinfo (NarHash): must be a sha256 hash'],
      [{ references: ['bad'] }, 'narinfo (References): "bad" is too short to be a store path basename'],
      [{ deriver: 'unknown-deriver' }, 'narinfo (Deriver): "unknown-deriver" is too short'],
      [{ sigs: ['a\n'] }, 'narinfo (Sig): value contains a newline'],
      [{ ca: 'fixed:x' }, 'narinfo (CA): content address "fixed:x" lacks'],
      [{ unknown: [{ key: 'Sig', value: 'x' }] }, 'narinfo (Sig): "Sig" cannot be written as an unknown field'],
      [{ unknown: [{ key: 'a:b', value: 'x' }] }, 'cannot be written as an unknown field'],
      [{ unknown: [{ key: 'a', value: 'x\ny' }] }, 'narinfo (a): value contains a newline'],
    ];
    for (const [change, message] of cases) {
      expect(() => serialiseNarinfo({ ...base, ...change }), message).toThrow(message);
    }
  });
});

describe('narinfo properties (fuzz)', () => {
  it('parse(serialise(x)) gives x in canonical form, and serialising again is stable', () => {
    fc.assert(
      fc.property(arb.narinfo, (info) => {
        const text = serialiseNarinfo(info);
        const parsed = parseNarinfo(text, { storeDir: storeDirOf(info.storePath) });
        expect(canonical(parsed)).toEqual(canonical(info));
        expect(serialiseNarinfo(parsed)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated narinfos parse or throw FormatError; whatever parses re-serialises stably', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('\n', ': ', ':', ' ', 'References: ', 'CA: ', 'Sig: x\n')) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
    );
    const source = fc.oneof(fc.constantFrom(...Object.values(nixWritten)), arb.narinfo.map((i) => serialiseNarinfo(i)));
    fc.assert(
      fc.property(source, fc.array(mutation, { minLength: 1, maxLength: 4 }), (original, mutations) => {
        let text = original;
        for (const m of mutations) {
          const at = text.length === 0 ? 0 : m.kind === 'truncate' ? m.at % text.length : m.at % (text.length + 1);
          if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.len);
          else if (m.kind === 'insert') text = text.slice(0, at) + m.s + text.slice(at);
          else if (m.kind === 'truncate') text = text.slice(0, at);
          else {
            const ls = text.split('\n');
            const i = m.at % ls.length;
            if (m.kind === 'dupLine') ls.splice(i, 0, ls[i]!);
            else {
              const j = m.to % ls.length;
              [ls[i], ls[j]] = [ls[j]!, ls[i]!];
            }
            text = ls.join('\n');
          }
        }
        let info: Narinfo;
        try {
          info = parseNarinfo(text, { storeDir: storeDirOf(parseNarinfoStorePath(original)) });
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
          const fe = e as FormatError;
          if (fe.line !== undefined) expect(fe.line).toBeGreaterThanOrEqual(1);
          if (fe.offset !== undefined) expect(fe.offset).toBeLessThanOrEqual(text.length);
          return;
        }
        const again = serialiseNarinfo(info);
        expect(serialiseNarinfo(parseNarinfo(again, { storeDir: storeDirOf(info.storePath) }))).toBe(again);
      }),
      { numRuns: 3000 },
    );
  });

  it('random text never throws anything but FormatError', () => {
    const keyish = fc.constantFrom('StorePath', 'URL', 'Compression', 'FileHash', 'FileSize', 'NarHash', 'NarSize', 'References', 'Deriver', 'Sig', 'CA', 'X');
    const lineArb = fc.oneof(
      fc.tuple(keyish, fc.string({ maxLength: 60 })).map(([k, v]) => `${k}: ${v}`),
      fc.string({ unit: 'binary', maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.boolean(), (ls, finalNewline) => {
        const text = ls.join('\n') + (finalNewline ? '\n' : '');
        try {
          const info = parseNarinfo(text);
          const again = serialiseNarinfo(info);
          expect(serialiseNarinfo(parseNarinfo(again))).toBe(again);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

function parseNarinfoStorePath(text: string): string {
  return /^StorePath: (.*)$/m.exec(text)![1]!;
}
