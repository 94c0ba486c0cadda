import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Binary caches store NARs compressed (`nar/<hash>.nar.xz`, `.zst`, `.bz2`), so a user is likely to
 * hand `narwhal nar ls` one of those. The NAR parser would call it "bad magic"; this module looks at
 * the first bytes first. gzip, which Node's zlib reads, is decompressed on the fly; for xz, zstd and
 * bzip2 (which Node 20 cannot read and no dependency of ours does) it says how to decompress first.
 */
interface Compression {
  name: string;
  /** The command that decompresses it from stdin to stdout. */
  tool: string;
  magic: readonly number[];
}

const compressions: readonly Compression[] = [
  { name: 'xz', tool: 'xz -d', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd', tool: 'zstd -d', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'bzip2', tool: 'bzip2 -d', magic: [0x42, 0x5a, 0x68] }, // "BZh"
  { name: 'gzip', tool: 'gzip -d', magic: [0x1f, 0x8b] },
];
const sniffLength = Math.max(...compressions.map((c) => c.magic.length));

/** The compression whose magic number starts `head`, if any. */
export function detectCompression(head: Uint8Array): Compression | undefined {
  return compressions.find((c) => c.magic.length <= head.length && c.magic.every((b, i) => head[i] === b));
}

/** The input is compressed in a way we do not read; the message says how to decompress it first. */
export class CompressedNarError extends Error {
  override name = 'CompressedNarError';
}

/**
 * The NAR bytes of `source`: as they are, or gunzipped. Reads the first bytes before returning, and
 * throws CompressedNarError for xz, zstd and bzip2, so a command fails before it starts writing
 * anything. `file` is the argument as the user typed it (`-` for stdin), and `rerun(file)` the command
 * line that reads a NAR from `file`, for the suggestion.
 */
export async function openNarInput(source: AsyncIterable<Uint8Array>, file: string, rerun: (file: string) => string): Promise<AsyncIterable<Uint8Array>> {
  const iterator = source[Symbol.asyncIterator]();
  // Read until we have enough bytes to tell (or the input ends).
  const head: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < sniffLength) {
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
      length += next.value.length;
    }
  } catch (e) {
    await iterator.return?.();
    throw e;
  }
  const first = Buffer.concat(head);
  const all = async function* () {
    try {
      if (first.length) yield first;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  };
  const compression = detectCompression(first);
  if (!compression) return all();
  if (compression.name === 'gzip') return gunzipped(all(), file);
  await iterator.return?.();
  const shown = file === '-' ? 'FILE' : file;
  throw new CompressedNarError(`${describe(file)} is ${compression.name}-compressed; decompress it first (${compression.tool} < ${shown} | ${rerun('-')})`);
}

async function* gunzipped(source: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array, void, undefined> {
  // Readable.from + pipe keeps backpressure; a read error of the source is passed on to gunzip.
  const input = Readable.from(source, { objectMode: false });
  const gunzip = createGunzip();
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw new CompressedNarError(`${describe(file)} is gzip-compressed, but not valid gzip: ${(e as Error).message}`);
    throw e;
  } finally {
    input.destroy();
  }
}

function describe(file: string): string {
  return file === '-' ? 'the input' : file;
}
