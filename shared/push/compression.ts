/** The NAR compressions Narwhal writes and reads, by the names Nix uses in `Compression:` and `compression=`. */
export const COMPRESSION_METHODS = ['xz', 'zstd', 'bzip2', 'gzip', 'none'] as const;
export type CompressionMethod = (typeof COMPRESSION_METHODS)[number];

export function isCompressionMethod(name: string): name is CompressionMethod {
  return (COMPRESSION_METHODS as readonly string[]).includes(name);
}

/**
 * The file name extension of a compressed NAR (`nar/<filehash>.nar<ext>`), as Nix names them.
 * Nix writes gzip NARs without an extension, like uncompressed ones.
 */
export function narExtension(method: CompressionMethod): string {
  switch (method) {
    case 'xz':
      return '.xz';
    case 'zstd':
      return '.zst';
    case 'bzip2':
      return '.bz2';
    case 'gzip':
    case 'none':
      return '';
  }
}

/** The level each method uses when none is given: Nix's own defaults (liblzma 6, zstd 3, bzip2 9, zlib 6). */
export function defaultLevel(method: CompressionMethod): number | undefined {
  switch (method) {
    case 'xz':
      return 6;
    case 'zstd':
      return 3;
    case 'bzip2':
      return 9;
    case 'gzip':
      return 6;
    case 'none':
      return undefined;
  }
}

/** The levels each method accepts, for checking user input before a worker is started. */
export function levelRange(method: CompressionMethod): readonly [number, number] | undefined {
  switch (method) {
    case 'xz':
      return [0, 9];
    case 'zstd':
      return [1, 19];
    case 'bzip2':
      return [1, 9];
    case 'gzip':
      return [0, 9];
    case 'none':
      return undefined;
  }
}
